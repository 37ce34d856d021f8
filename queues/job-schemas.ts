import { z } from 'zod';

/** Names of registered models and datasets. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit");

const hyperparametersSchema = z.record(z.string(), z.unknown());

/** The `model` block of a job: DESIGN.md's seed config must parse as written. Snake_case on the wire. */
export const modelConfigSchema = z
  .object({
    type: z.string().min(1),
    version: z.union([z.string().min(1), z.number()]).transform(String).optional(),
    hyperparameters: hyperparametersSchema.default({}),
    training: z
      .object({
        validation_split: z.number().min(0).lt(1).default(0),
        early_stopping: z.boolean().default(false),
        patience: z.number().int().positive().optional(),
        seed: z.number().int().optional(),
      })
      .strict()
      .default({ validation_split: 0, early_stopping: false }),
    serving: z
      .object({
        batch_size: z.number().int().positive().max(10_000).default(32),
        cache_size: z.number().int().min(0).max(1_000_000).default(1000),
      })
      .strict()
      .default({ batch_size: 32, cache_size: 1000 }),
    monitoring: z
      .object({
        drift_threshold: z.number().positive().default(0.1),
        performance_threshold: z.number().optional(),
        metric: z.string().optional(),
      })
      .strict()
      .default({ drift_threshold: 0.1 }),
  })
  .strict();
export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const taskSchema = z.enum(['classification', 'regression', 'timeseries']);
export type TaskName = z.infer<typeof taskSchema>;

/** `cv: 5` or `cv: {folds: 5, shuffle: true, seed: 1}`; timeseries always splits in time order. */
export const cvSchema = z.union([
  z.number().int().min(2).max(50).transform((folds) => ({ folds, shuffle: true, seed: 0 })),
  z
    .object({
      folds: z.number().int().min(2).max(50),
      shuffle: z.boolean().default(true),
      seed: z.number().int().default(0),
    })
    .strict(),
]);
export type CvSpec = z.infer<typeof cvSchema>;

/** POST /v1/jobs {type: 'train'}: train with k-fold CV, then fit on all rows and register a version. */
export const trainJobSchema = z
  .object({
    type: z.literal('train'),
    model_name: nameSchema,
    dataset: z.string().min(1),
    target: z.string().min(1),
    features: z.array(z.string().min(1)).min(1).optional(),
    task: taskSchema.optional(),
    model: modelConfigSchema,
    cv: cvSchema.optional(),
  })
  .strict();
/** The wire form, as stored in the queue. */
export type TrainJobInput = z.input<typeof trainJobSchema>;
/** The parsed form the worker uses. */
export type TrainJob = z.infer<typeof trainJobSchema>;

export const trainResultSchema = z.object({
  model_name: z.string(),
  version: z.string(),
  metrics: z.record(z.string(), z.number().nullable()),
  cv_metrics: z.record(z.string(), z.object({ mean: z.number().nullable(), std: z.number().nullable(), folds: z.array(z.number().nullable()) })),
});
export type TrainResult = z.infer<typeof trainResultSchema>;

/** Every job type the cluster runs, with its payload schema. */
export const JOB_SCHEMAS = {
  train: trainJobSchema,
} as const;
export type JobType = keyof typeof JOB_SCHEMAS;
export const JOB_TYPES = Object.keys(JOB_SCHEMAS) as JobType[];

export function isJobType(t: unknown): t is JobType {
  return typeof t === 'string' && Object.hasOwn(JOB_SCHEMAS, t);
}

/** Progress reported by jobs, mirrored to the job record. */
export interface JobProgress {
  stage: string;
  done: number;
  total: number;
  [key: string]: unknown;
}
