import { validate as validCron } from 'node-cron';
import { z } from 'zod';

const role = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof role>;

/** Where a job type's work runs; `tune_trial` carries the trials of tune jobs. */
export const QUEUE_KINDS = ['train', 'tune', 'tune_trial', 'evaluate', 'batch_predict', 'monitoring'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

const positiveInt = z.coerce.number().int().positive();

/**
 * The whole runtime configuration, camelCase. Sources, later wins:
 * built-in defaults, the YAML file (config/trainyard.yaml or TRAINYARD_CONFIG), environment variables.
 */
export const configSchema = z.object({
  /** @defaultValue 'development' */
  env: z.enum(['development', 'test', 'production']),
  /** package version, recorded in model lineage */
  version: z.string(),
  api: z.object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    /** largest JSON body accepted; larger gets 413 */
    jsonLimit: z.string().regex(/^\d+(b|kb|mb|gb)$/i, 'must look like 512kb or 10mb'),
    /** largest CSV / multipart dataset upload */
    uploadLimit: z.string().regex(/^\d+(b|kb|mb|gb)$/i, 'must look like 512kb or 100mb'),
    /** API keys and their roles; empty means the API is open (development only) */
    apiKeys: z.array(z.object({ key: z.string().min(8, 'API keys need at least 8 characters'), role })),
    /** basic auth for Bull Board besides an admin key */
    bullBoard: z.object({ user: z.string().optional(), password: z.string().optional() }),
    /** most instances in one predict request; more gets 413 */
    maxPredictInstances: positiveInt,
  }),
  redis: z.object({
    url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
    /** BullMQ key prefix; tests use a fresh one per run */
    prefix: z.string().min(1),
  }),
  mongo: z.object({
    url: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb://'),
  }),
  worker: z.object({
    /** queues this worker process consumes */
    queues: z.array(z.enum(QUEUE_KINDS)).min(1),
    /** jobs processed at once per queue */
    concurrency: positiveInt,
    /** Piscina threads for folds and trials */
    poolThreads: positiveInt,
    /** BullMQ lock duration; renewed at half of it while a job runs */
    lockDurationMs: positiveInt,
    /** BullMQ stalled-job check interval */
    stalledIntervalMs: positiveInt,
    /** attempts per job before it fails for good */
    attempts: positiveInt,
    /** first retry delay, doubled each attempt */
    backoffMs: positiveInt,
  }),
  scheduler: z.object({
    /** node-cron expression of the monitoring tick */
    cron: z.string().refine((c) => validCron(c), 'must be a valid cron expression, e.g. "* * * * *"'),
    /** keep queue-health snapshots this long */
    snapshotTtlDays: positiveInt,
  }),
  training: z.object({
    /** default number of CV folds for train jobs */
    cvFolds: z.coerce.number().int().min(2),
  }),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
});

export type Config = z.infer<typeof configSchema>;
