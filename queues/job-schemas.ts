import { z } from 'zod';

/** Names of registered models and datasets. */
export const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit");

const hyperparametersSchema = z.record(z.string(), z.unknown());

/**
 * A version label a train job registers: letters, digits, '.', '_', '+' or
 * '-', starting with a letter or digit (labels go into headers and URLs: no
 * spaces, quotes or line breaks), and not all digits, which is what
 * automatic numbering uses (a label `7` would block version 7).
 */
export const VERSION_LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
export const versionLabelSchema = z
  .string()
  .regex(VERSION_LABEL_RE, "a version label is 1-64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit")
  .refine((v) => !/^[0-9]+$/.test(v), { message: 'a version label cannot be all digits: numbers are what automatic numbering gives (try v7)' });

/** The `model` block of a job: DESIGN.md's seed config must parse as written. Snake_case on the wire. */
export const modelConfigSchema = z
  .object({
    type: z.string().min(1),
    version: versionLabelSchema.optional(),
    hyperparameters: hyperparametersSchema.default({}),
    training: z
      .object({
        /** held-out fraction for early stopping; 0.1 when early_stopping is on and this is left out */
        validation_split: z.number().gt(0).lt(1).optional(),
        early_stopping: z.boolean().default(false),
        patience: z.number().int().positive().optional(),
        seed: z.number().int().min(0).optional(),
      })
      .strict()
      .default({ early_stopping: false }),
    preprocessing: z
      .object({
        encoding: z.enum(['onehot', 'ordinal']).optional(),
        categorical_missing: z.enum(['indicator', 'most_frequent']).optional(),
        max_categories: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
    serving: z
      .object({
        batch_size: z.number().int().positive().max(10_000).default(32),
        cache_size: z.number().int().min(0).max(1_000_000).default(1000),
      })
      .strict()
      .default({ batch_size: 32, cache_size: 1000 }),
    monitoring: z
      .object({
        /** PSI threshold of this model; the cluster's monitoring.drift_threshold when left out */
        drift_threshold: z.number().positive().optional(),
        performance_threshold: z.number().optional(),
        metric: z.string().optional(),
      })
      .strict()
      .default({}),
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

/** The fields every job that fits a model on a dataset shares (train, tune). */
const modelJobFields = {
    model_name: nameSchema,
    dataset: z.string().min(1),
    target: z.string().min(1),
    features: z.array(z.string().min(1)).min(1).optional(),
    task: taskSchema.optional(),
    model: modelConfigSchema,
};

/** POST /v1/jobs {type: 'train'}: train with k-fold CV, then fit on all rows and register a version. */
export const trainJobSchema = z
  .object({
    type: z.literal('train'),
    ...modelJobFields,
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

/** Hyperparameter names in a search space (they become MongoDB keys, so no '.' or '$'). */
const paramNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a hyperparameter name: letters, digits and _');

/** `{type: 'int', low, high, log?, step?}`: whole numbers in [low, high]. */
export const intDistributionSchema = z
  .object({ type: z.literal('int'), low: z.number().int(), high: z.number().int(), log: z.boolean().default(false), step: z.number().int().positive().optional() })
  .strict();
/** `{type: 'float', low, high, log?, step?}`: numbers in [low, high]. */
export const floatDistributionSchema = z
  .object({ type: z.literal('float'), low: z.number(), high: z.number(), log: z.boolean().default(false), step: z.number().positive().optional() })
  .strict();
/** `{type: 'categorical', choices: [...]}`: one of the listed values. */
export const categoricalDistributionSchema = z
  .object({ type: z.literal('categorical'), choices: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])) })
  .strict();
export const distributionSchema = z.discriminatedUnion('type', [intDistributionSchema, floatDistributionSchema, categoricalDistributionSchema]);
export type Distribution = z.infer<typeof distributionSchema>;

/** What is wrong with a distribution beyond its shape, or null. */
export function distributionProblem(d: Distribution): string | null {
  if (d.type === 'categorical') {
    if (d.choices.length === 0) return 'choices must not be empty';
    const seen = new Set<unknown>();
    for (const c of d.choices) {
      if (seen.has(c)) return `choice ${JSON.stringify(c)} is listed twice`;
      seen.add(c);
    }
    return null;
  }
  if (!(d.low < d.high)) return `low (${d.low}) must be less than high (${d.high})`;
  if (d.log && d.low <= 0) return `a log scale needs low > 0, got low ${d.low}`;
  if (d.log && d.step !== undefined) return 'log and step cannot be combined';
  return null;
}

/** `{param: distribution}`; hyperparameters not in it keep their value from model.hyperparameters. */
export const searchSpaceSchema = z.record(paramNameSchema, distributionSchema).superRefine((space, ctx) => {
  if (Object.keys(space).length === 0) ctx.addIssue({ code: 'custom', message: 'the search space is empty; give at least one hyperparameter' });
  for (const [name, d] of Object.entries(space)) {
    const problem = distributionProblem(d);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: `${name}: ${problem}` });
  }
});
export type SearchSpace = z.infer<typeof searchSpaceSchema>;

const seedSchema = z.number().int().min(0).max(4294967295);
/** `'tpe'` or `{type: 'tpe', seed, ...}`. */
export const samplerSchema = z.union([
  z.enum(['grid', 'random', 'tpe']).transform((type) => ({ type })),
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('grid') }).strict(),
    z.object({ type: z.literal('random'), seed: seedSchema.optional() }).strict(),
    z
      .object({
        type: z.literal('tpe'),
        seed: seedSchema.optional(),
        n_startup_trials: z.number().int().min(0).optional(),
        n_ei_candidates: z.number().int().min(1).max(10_000).optional(),
        multivariate: z.boolean().optional(),
        constant_liar: z.boolean().optional(),
      })
      .strict(),
  ]),
]);
export type SamplerSpec = z.infer<typeof samplerSchema>;

/** `'median'` or `{type: 'median', n_startup_trials, ...}`. */
export const prunerSchema = z.union([
  z.enum(['none', 'median', 'successive_halving']).transform((type) => ({ type })),
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('none') }).strict(),
    z
      .object({
        type: z.literal('median'),
        n_startup_trials: z.number().int().min(0).optional(),
        n_warmup_steps: z.number().int().min(0).optional(),
        interval_steps: z.number().int().min(1).optional(),
        n_min_trials: z.number().int().min(1).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('successive_halving'),
        min_resource: z.number().int().min(1).optional(),
        reduction_factor: z.number().int().min(2).optional(),
        min_early_stopping_rate: z.number().int().min(0).optional(),
        bootstrap_count: z.number().int().min(0).optional(),
      })
      .strict(),
  ]),
]);
export type PrunerSpec = z.infer<typeof prunerSchema>;

/**
 * POST /v1/jobs {type: 'tune'}: search `search_space` with cross-validation,
 * trials spread over the workers, then refit the best and register it.
 * `n_trials` may be left out for a grid (every grid point once).
 */
export const tuneJobSchema = z
  .object({
    type: z.literal('tune'),
    ...modelJobFields,
    search_space: searchSpaceSchema,
    sampler: samplerSchema.default({ type: 'tpe' }),
    pruner: prunerSchema.default({ type: 'none' }),
    n_trials: z.number().int().min(1).max(10_000).optional(),
    parallelism: z.number().int().min(1).max(256).default(1),
    cv: cvSchema.optional(),
    metric: z.string().min(1).optional(),
    direction: z.enum(['maximize', 'minimize']).optional(),
  })
  .strict()
  .superRefine((job, ctx) => {
    if (job.n_trials === undefined && job.sampler.type !== 'grid') {
      ctx.addIssue({ code: 'custom', path: ['n_trials'], message: `n_trials is required with the ${job.sampler.type} sampler` });
    }
  });
export type TuneJobInput = z.input<typeof tuneJobSchema>;
export type TuneJob = z.infer<typeof tuneJobSchema>;

export const TRIAL_STATES = ['running', 'complete', 'pruned', 'failed'] as const;

export const tuneResultSchema = z.object({
  study_id: z.string(),
  model_name: z.string(),
  version: z.string(),
  metric: z.string(),
  direction: z.enum(['maximize', 'minimize']),
  best_trial: z.number().int(),
  best_params: z.record(z.string(), z.unknown()),
  best_value: z.number(),
  trials: z.array(
    z.object({
      number: z.number().int(),
      state: z.enum(TRIAL_STATES),
      params: z.record(z.string(), z.unknown()),
      /** the metric of each fold that ran (step = fold index) */
      values: z.array(z.number().nullable()),
      value: z.number().nullable(),
      duration_ms: z.number().nullable(),
      worker: z.string().nullable(),
    }),
  ),
});
export type TuneResult = z.infer<typeof tuneResultSchema>;

/**
 * POST /v1/jobs {type: 'batch_predict'}: predict every row of a dataset with a
 * model version (by version, alias or the default) and store the input
 * columns plus the predictions as a new dataset.
 */
export const batchPredictJobSchema = z
  .object({
    type: z.literal('batch_predict'),
    model_name: nameSchema,
    version: z.union([z.string().min(1), z.number()]).transform(String).optional(),
    alias: z.string().min(1).optional(),
    dataset: z.string().min(1),
    /** name of the output dataset; default `<dataset>-predictions` */
    output_name: nameSchema.optional(),
  })
  .strict()
  .refine((job) => !(job.version !== undefined && job.alias !== undefined), { message: 'give version or alias, not both', path: ['alias'] });
export type BatchPredictJobInput = z.input<typeof batchPredictJobSchema>;
export type BatchPredictJob = z.infer<typeof batchPredictJobSchema>;

export const batchPredictResultSchema = z.object({
  output_dataset: z.object({ id: z.string(), name: z.string(), version: z.number().int() }),
  rows: z.number().int().min(0),
});
export type BatchPredictResult = z.infer<typeof batchPredictResultSchema>;

/**
 * POST /v1/jobs {type: 'evaluate'}: score a model version (by version, alias
 * or the default) on a dataset: metrics, worst slices, bias report per
 * sensitive feature, diagnostics, and the promotion gates' verdict.
 */
export const evaluateJobSchema = z
  .object({
    type: z.literal('evaluate'),
    model_name: nameSchema,
    version: z.union([z.string().min(1), z.number()]).transform(String).optional(),
    alias: z.string().min(1).optional(),
    dataset: z.string().min(1),
    /** column of true values; default the version's target */
    target: z.string().min(1).optional(),
    /** columns to compute the bias report for (classification) */
    sensitive_features: z.array(z.string().min(1)).max(20).default([]),
    /** columns to slice the metrics by (numeric ones in quantile bins) */
    slices: z.array(z.string().min(1)).max(50).default([]),
    /** positive class of the bias report and calibration curve; default the greater of two classes */
    pos_label: z.union([z.string(), z.number()]).optional(),
  })
  .strict()
  .refine((job) => !(job.version !== undefined && job.alias !== undefined), { message: 'give version or alias, not both', path: ['alias'] });
export type EvaluateJobInput = z.input<typeof evaluateJobSchema>;
export type EvaluateJob = z.infer<typeof evaluateJobSchema>;

/**
 * POST /v1/models/:name/monitoring/check (or the scheduler, once per tick and
 * model): the drift and live-performance check of the model's `production`
 * version, else its latest.
 */
export const monitorJobSchema = z
  .object({
    type: z.literal('monitor'),
    model_name: nameSchema,
    /** set by the scheduler: the tick the check belongs to (one report per model and tick) */
    tick: z.string().min(1).optional(),
  })
  .strict();
export type MonitorJob = z.infer<typeof monitorJobSchema>;
/** A monitor job as a client submits it: `tick` is the scheduler's alone (a ticked check counts as a scheduled one). */
export const monitorRequestSchema = monitorJobSchema.omit({ tick: true });

/** Every job type the cluster runs, with its payload schema. */
export const JOB_SCHEMAS = {
  train: trainJobSchema,
  monitor: monitorRequestSchema,
  tune: tuneJobSchema,
  evaluate: evaluateJobSchema,
  batch_predict: batchPredictJobSchema,
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
