import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type Config } from './config-schema.js';
import { DEFAULTS } from './defaults.js';

export type { Config, QueueKind, Role } from './config-schema.js';
export { QUEUE_KINDS } from './config-schema.js';

/** A configuration that cannot be used; the message names the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Environment variable -> config path. Values are strings; the schema coerces. */
const ENV_KEYS: Record<string, string> = {
  NODE_ENV: 'env',
  HOST: 'api.host',
  PORT: 'api.port',
  JSON_LIMIT: 'api.jsonLimit',
  UPLOAD_LIMIT: 'api.uploadLimit',
  MAX_PREDICT_INSTANCES: 'api.maxPredictInstances',
  METRICS_KEY: 'api.metricsKey',
  BULL_BOARD_USER: 'api.bullBoard.user',
  BULL_BOARD_PASSWORD: 'api.bullBoard.password',
  MONITORING_WEBHOOK_SECRET: 'monitoring.webhookSecret',
  REDIS_URL: 'redis.url',
  QUEUE_PREFIX: 'redis.prefix',
  REDIS_CLUSTER: 'redis.cluster',
  MONGO_URL: 'mongo.url',
  WORKER_CONCURRENCY: 'worker.concurrency',
  POOL_THREADS: 'worker.poolThreads',
  LOCK_DURATION_MS: 'worker.lockDurationMs',
  STALLED_INTERVAL_MS: 'worker.stalledIntervalMs',
  SHUTDOWN_GRACE_MS: 'worker.shutdownGraceMs',
  JOB_ATTEMPTS: 'worker.attempts',
  JOB_BACKOFF_MS: 'worker.backoffMs',
  SCHEDULER_CRON: 'scheduler.cron',
  CV_FOLDS: 'training.cvFolds',
  CLEANUP_CRON: 'registry.cleanupCron',
  CLEANUP_GRACE_MINUTES: 'registry.cleanupGraceMinutes',
  LOG_LEVEL: 'log.level',
  API_PROCESSES: 'api.processes',
  SERVING_BATCH_WAIT_MS: 'serving.batchWaitMs',
  SERVING_BATCH_IDLE_FLUSH: 'serving.batchIdleFlush',
  SERVING_POOL_THREADS: 'serving.poolThreads',
  SERVING_INLINE_MAX_MICROS: 'serving.inlineMaxMicros',
  SERVING_LOADED_MODELS: 'serving.loadedModels',
  SERVING_CACHE_MAX_BYTES: 'serving.cacheMaxBytes',
  SERVING_RESOLVE_TTL_MS: 'serving.resolveTtlMs',
  PREDICTION_LOG_SAMPLE_RATE: 'serving.logSampleRate',
  PREDICTION_LOG_FLUSH_MS: 'serving.logFlushMs',
  BATCH_PREDICT_BLOCK_ROWS: 'serving.batchBlockRows',
  DRIFT_THRESHOLD: 'monitoring.driftThreshold',
  DRIFT_SHARE: 'monitoring.driftShare',
  PERFORMANCE_THRESHOLD: 'monitoring.performanceThreshold',
  MONITORING_WINDOW_SIZE: 'monitoring.windowSize',
  MONITORING_WINDOW_HOURS: 'monitoring.windowHours',
  MONITORING_RETENTION_DAYS: 'monitoring.retentionDays',
  FEEDBACK_PENDING_HOURS: 'monitoring.feedbackPendingHours',
  MONITORING_CHECK_SPREAD_SECONDS: 'monitoring.checkSpreadSeconds',
  MONITORING_FULL_CHECK_MINUTES: 'monitoring.fullCheckMinutes',
  SAMPLE_INTERVAL_SECONDS: 'monitoring.sampleIntervalSeconds',
  WORKER_SILENT_SECONDS: 'monitoring.workerSilentSeconds',
};

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...(typeof base === 'object' && base !== null ? (base as object) : {}) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

/** `key1:admin,key2:viewer` -> [{key, role}] */
function parseApiKeys(raw: string): Array<{ key: string; role: string }> {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.lastIndexOf(':');
      return i < 0 ? { key: entry, role: 'admin' } : { key: entry.slice(0, i), role: entry.slice(i + 1) };
    });
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, val]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camelKeys(val)]),
  );
}

function readPackageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export interface LoadOptions {
  /** environment to read; defaults to process.env */
  env?: Env;
  /** YAML file; defaults to TRAINYARD_CONFIG or config/trainyard.yaml when present */
  file?: string | null;
  /** last-word overrides (tests) */
  overrides?: Record<string, unknown>;
}

/**
 * Builds the configuration once: defaults, then YAML (snake_case or camelCase
 * keys), then environment. Throws ConfigError naming the first bad key.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  let merged: unknown = { ...DEFAULTS, version: readPackageVersion() };
  const file = options.file === undefined ? (env.TRAINYARD_CONFIG ?? defaultFile()) : options.file;
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`TRAINYARD_CONFIG: file ${file} does not exist`);
    let yaml: unknown;
    try {
      yaml = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
    }
    merged = deepMerge(merged, camelKeys(yaml ?? {}));
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, dotted] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(fromEnv, dotted, v);
  }
  if (env.API_KEYS) setPath(fromEnv, 'api.apiKeys', parseApiKeys(env.API_KEYS));
  if (env.WORKER_QUEUES) setPath(fromEnv, 'worker.queues', env.WORKER_QUEUES.split(',').map((s) => s.trim()));
  if (env.MONITORING_WEBHOOKS) setPath(fromEnv, 'monitoring.webhooks', env.MONITORING_WEBHOOKS.split(',').map((s) => s.trim()).filter(Boolean));
  merged = deepMerge(merged, fromEnv);
  if (options.overrides) merged = deepMerge(merged, options.overrides);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(describeIssue(parsed.error));
  return deepFreeze(parsed.data);
}

function defaultFile(): string | null {
  const f = path.resolve('config/trainyard.yaml');
  return existsSync(f) ? f : null;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const key = issue.path.join('.');
  const envName = Object.entries(ENV_KEYS).find(([, p]) => p === key)?.[0];
  return `invalid config ${key}${envName ? ` (env ${envName})` : ''}: ${issue.message}`;
}
