import { validate as validCron } from 'node-cron';
import { z } from 'zod';

const role = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof role>;

/** Where a job type's work runs; `tune_trial` carries the trials of tune jobs. */
export const QUEUE_KINDS = ['train', 'tune', 'tune_trial', 'evaluate', 'batch_predict', 'monitoring'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

const positiveInt = z.coerce.number().int().positive();
const fraction = z.coerce.number().min(0).max(1);
/** true/false, also as the strings an environment variable carries */
const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1')]);

/** Drift, live performance, resources and alerts (src/monitoring). */
const monitoringSchema = z.object({
  /** PSI above this marks a feature drifted, unless the model's `monitoring.drift_threshold` says otherwise */
  driftThreshold: z.coerce.number().positive(),
  /** share of drifted features at or above which the model's inputs count as drifted (the drift alert) */
  driftShare: fraction,
  /** live metric threshold for models whose config sets none; null: no performance alert for them */
  performanceThreshold: z.coerce.number().nullable(),
  /** a check reads at most this many of the model's most recent logged predictions */
  windowSize: positiveInt,
  /** and none older than this */
  windowHours: z.coerce.number().positive(),
  /** fewer logged predictions than this: the drift check reports insufficient data and changes no alert */
  minWindowRows: positiveInt,
  /** fewer labelled predictions than this: no live metric and no performance alert */
  minLabeledRows: positiveInt,
  /** a tick's model checks start spread over this many seconds (keep it under the tick interval) */
  checkSpreadSeconds: z.coerce.number().min(0),
  /** a model with no new predictions or labels is still checked when its last check is this old */
  fullCheckMinutes: z.coerce.number().positive(),
  /** a feedback label whose prediction is not in the log after this long is dropped and counted (the prediction was never logged) */
  feedbackPendingHours: z.coerce.number().positive(),
  /** metric samples, drift reports and resolved alerts are kept this long (pruned each tick) */
  retentionDays: z.coerce.number().positive(),
  /** each API and worker process records its CPU, memory and event-loop lag this often (its heartbeat) */
  sampleIntervalSeconds: z.coerce.number().positive(),
  /** waiting jobs in one queue at or above which the queue_backlog alert opens */
  queueBacklog: positiveInt,
  /** failed / finished jobs of one queue between two ticks at or above which failure_rate opens */
  failureRate: fraction,
  /** failure_rate needs at least this many finished jobs between two ticks */
  failureMinJobs: positiveInt,
  /** a worker whose last heartbeat is older than this is reported silent */
  workerSilentSeconds: z.coerce.number().positive(),
  /** URLs that get a JSON POST when an alert opens */
  webhooks: z.array(z.string().url('must be a URL, e.g. https://hooks.example.com/trainyard')),
  /** delivery attempts per webhook and alert */
  webhookAttempts: positiveInt,
  /** first retry delay of a webhook, doubled each attempt */
  webhookBackoffMs: positiveInt,
  /** a webhook POST taking longer than this counts as failed */
  webhookTimeoutMs: positiveInt,
  /**
   * signs every webhook body (Standard Webhooks: webhook-id, webhook-timestamp,
   * webhook-signature `v1,<base64 HMAC-SHA256>`); `whsec_<base64>` or any string of 16+ characters
   */
  webhookSecret: z.string().min(16, 'a webhook secret needs at least 16 characters').nullable(),
});

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
    /** deepest nesting of arrays and objects in a JSON or YAML body; deeper gets 400 before parsing */
    maxBodyDepth: positiveInt,
    /** most non-file fields in one multipart upload; more gets 413 */
    multipartFields: positiveInt,
    /** largest non-file multipart field, in bytes; larger gets 413 */
    multipartFieldBytes: positiveInt,
    /** API keys and their roles; empty means the API is open (development only) */
    apiKeys: z.array(z.object({ key: z.string().min(8, 'API keys need at least 8 characters'), role })),
    /** basic auth for Bull Board besides an admin key */
    bullBoard: z.object({ user: z.string().optional(), password: z.string().optional() }),
    /** most instances in one predict request; more gets 413 */
    maxPredictInstances: positiveInt,
    /** when set, GET /metrics needs this key (or any API key); unset, /metrics is open */
    metricsKey: z.string().min(16, 'the metrics key needs at least 16 characters').nullable(),
    /** API processes behind one port (Node cluster, `npm run start:api`); 1 runs the API in-process */
    processes: positiveInt,
  }),
  redis: z.object({
    url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://'),
    /** BullMQ key prefix; tests use a fresh one per run */
    prefix: z.string().min(1),
    /** `url` names a Redis Cluster (its seed nodes, comma-separated); the prefix then needs a hash tag */
    cluster: booleanish,
  }).refine((r) => !r.cluster || /\{[^{}]+\}/.test(r.prefix), {
    message: 'a Redis Cluster needs a hash-tagged prefix such as {trainyard}, so each queue\'s keys share a slot',
    path: ['prefix'],
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
    /** on SIGTERM, how long active jobs may run on before they are handed back */
    shutdownGraceMs: z.coerce.number().int().min(0),
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
  /** The cost of one job, checked once at submit (400 limit_exceeded naming the parameter, its value and the key). */
  limits: z.object({
    /** n_estimators (boosting rounds, forest trees) of any model, ensemble members included */
    maxTrees: positiveInt,
    /** max_depth of tree models */
    maxDepth: positiveInt,
    /** epochs of neural models (mlp, lstm) */
    maxEpochs: positiveInt,
    /** width of each hidden layer (hidden_layer_sizes / layers) */
    maxLayerWidth: positiveInt,
    /** number of hidden layers */
    maxLayers: positiveInt,
    /** LSTM units */
    maxUnits: positiveInt,
    /** lags of time-series models */
    maxLags: positiveInt,
    /** max_iter of iterative linear solvers */
    maxIterations: positiveInt,
    /** members of an ensemble's estimators list */
    maxEnsembleMembers: positiveInt,
    /** n_trials of a tune job */
    maxTrials: positiveInt,
    /** grid points a grid search without n_trials may have (counted, never enumerated) */
    maxGridSize: positiveInt,
    /** columns of an uploaded dataset */
    datasetColumns: positiveInt,
    /** rows of an uploaded dataset */
    datasetRows: positiveInt,
    /** wall-clock limit per job type, seconds: the job fails with code timeout and its threads stop */
    timeoutSeconds: z.object({ train: positiveInt, tune: positiveInt, evaluate: positiveInt, batchPredict: positiveInt, tuneTrial: positiveInt, monitoring: positiveInt }),
  }),
  training: z.object({
    /** default number of CV folds for train jobs */
    cvFolds: z.coerce.number().int().min(2),
  }),
  evaluation: z.object({
    /** aliases whose moves must pass the validation gates (an evaluation on record, the primary metric, the bias limits) */
    gatedAliases: z.array(z.string().min(1)),
    /** lowest disparate impact ratio of any sensitive feature (the four-fifths rule); null: not checked */
    minDisparateImpactRatio: z.number().min(0).max(1).nullable(),
    /** highest demographic parity difference of any sensitive feature; null: not checked */
    maxDemographicParityDifference: z.number().min(0).max(1).nullable(),
    /** highest equalized odds difference of any sensitive feature; null: not checked */
    maxEqualizedOddsDifference: z.number().min(0).max(1).nullable(),
    /** quantile bins of numeric slice and sensitive-feature columns */
    sliceBins: z.coerce.number().int().min(2).max(20),
  }),
  registry: z.object({
    /** node-cron expression of the orphaned-artifact clean-up (daily by default) */
    cleanupCron: z.string().refine((c) => validCron(c), 'must be a valid cron expression, e.g. "30 3 * * *"'),
    /** GridFS files and chunks younger than this are never cleaned up, so uploads in progress survive */
    cleanupGraceMinutes: z.coerce.number().int().min(0),
  }),
  serving: z.object({
    /** longest a single-instance predict request waits for others to share a batch */
    batchWaitMs: z.coerce.number().min(0).max(1000),
    /** send a batch as soon as no more requests are arriving, rather than always waiting batchWaitMs */
    batchIdleFlush: booleanish,
    /** Piscina threads in each API process for heavy predictions; 0 predicts everything inline */
    poolThreads: z.coerce.number().int().min(0).max(64),
    /** a prediction expected to take longer than this (measured per model) runs in the pool, not on the event loop */
    inlineMaxMicros: z.coerce.number().min(0),
    /** fitted models kept in memory per API process */
    loadedModels: positiveInt,
    /** bytes the prediction caches of all loaded versions share per API process (least recently used answers go first) */
    cacheMaxBytes: positiveInt,
    /** how long a model name / alias -> version lookup is reused before asking MongoDB again */
    resolveTtlMs: z.coerce.number().int().min(0),
    /** share of predictions logged to MongoDB (prediction_log): 1 logs all, 0 none */
    logSampleRate: z.coerce.number().min(0).max(1),
    /** logged predictions are inserted in batches at least this often */
    logFlushMs: positiveInt,
    /** most logged predictions held in memory waiting for MongoDB; beyond it new ones are dropped (and counted) */
    logMaxBuffer: positiveInt,
    /** rows per block a batch_predict job sends to a thread (at least the model's serving.batch_size) */
    batchBlockRows: positiveInt,
  }),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  monitoring: monitoringSchema,
});

export type Config = z.infer<typeof configSchema>;
