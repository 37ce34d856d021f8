import type { RedisClient } from '../../queues/connection.js';
import type { Config } from '../../config/index.js';
import { observePrediction } from '../monitoring/predict-metrics.js';
import type { Database } from '../registry/database.js';
import { markActivity } from '../registry/model-activity.js';
import type { Logger } from '../utils/logger.js';
import { ModelServer } from './model-server.js';
import { PredictPool } from './predict-pool.js';
import { PredictionLogger } from './prediction-logger.js';

/** Redis channel on which API processes tell each other that a model's aliases or versions changed. */
export function modelChangeChannel(prefix: string): string {
  return `${prefix}:model-changes`;
}

/**
 * Builds the API process's ModelServer from the config: its predict pool,
 * its prediction log, and a subscription through which other API processes'
 * `modelChanged` calls reach this one.
 */
export async function createModelServer(deps: { config: Config; db: Database; redis: RedisClient; logger: Logger }): Promise<ModelServer> {
  const { config, db, redis, logger } = deps;
  const s = config.serving;
  const channel = modelChangeChannel(config.redis.prefix);
  const subscriber = redis.duplicate();
  const models = new ModelServer(db, {
    maxInstances: config.api.maxPredictInstances,
    loadedModels: s.loadedModels,
    cacheMaxBytes: s.cacheMaxBytes,
    batchWaitMs: s.batchWaitMs,
    batchIdleFlush: s.batchIdleFlush,
    inlineMaxMicros: s.inlineMaxMicros,
    resolveTtlMs: s.resolveTtlMs,
    pool: s.poolThreads > 0 ? new PredictPool(s.poolThreads) : null,
    predictionLog: new PredictionLogger(db.predictionLog.collection, logger, {
      sampleRate: s.logSampleRate,
      flushMs: s.logFlushMs,
      maxBuffer: s.logMaxBuffer,
      onWritten: (names, at) => markActivity(db, names, 'lastPredictionAt', at),
    }),
    observe: observePrediction,
    publishChange: (name) => redis.publish(channel, name),
    onClose: () => subscriber.quit().catch(() => undefined),
  });
  subscriber.on('message', (_channel: string, name: string) => models.invalidate(name));
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'model change subscription error'));
  await subscriber.subscribe(channel);
  return models;
}
