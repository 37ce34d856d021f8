import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from '../../config/index.js';
import { createRedis } from '../../queues/connection.js';
import { JobQueues } from '../../queues/job-queues.js';
import { JobService } from '../jobs/job-service.js';
import { validateEvaluateJob } from '../evaluation/validate-evaluate.js';
import { ProcessSampler } from '../monitoring/process-sampler.js';
import { validateMonitorJob } from '../monitoring/validate-monitor.js';
import { openDatabase } from '../registry/database.js';
import { validateBatchPredictJob } from '../serving/batch-predict.js';
import { createModelServer } from '../serving/create-model-server.js';
import { validateTrainJob } from '../training/validate-train.js';
import { validateTuneJob } from '../training/tuning/validate-tune.js';
import { createLogger, type Logger } from '../utils/logger.js';
import { onProcessFaults } from '../utils/process-faults.js';
import { onShutdown } from '../utils/shutdown.js';
import { createApiServer } from './app.js';
import type { ApiDeps } from './deps.js';

/** Connects everything the API needs. */
export async function buildApiDeps(config: Config, logger: Logger): Promise<ApiDeps> {
  const db = await openDatabase(config.mongo.url);
  const redis = createRedis(config.redis, 'trainyard-api');
  const queues = new JobQueues(redis, config.redis.prefix, config);
  const jobs = new JobService({
    db,
    queues,
    publisher: redis,
    limits: config.limits,
    poolThreads: config.worker.poolThreads,
    validators: {
      train: (spec) => validateTrainJob(db, spec as never, config.training.cvFolds),
      tune: (spec) => validateTuneJob(db, spec as never, config.training.cvFolds),
      evaluate: (spec) => validateEvaluateJob(db, spec as never),
      batch_predict: (spec) => validateBatchPredictJob(db, spec as never),
      monitor: (spec) => validateMonitorJob(db, spec as never),
    },
  });
  const models = await createModelServer({ config, db, redis, logger });
  const sampler = new ProcessSampler(db, { role: 'api', intervalMs: config.monitoring.sampleIntervalSeconds * 1000, retentionDays: config.monitoring.retentionDays, logger }).start();
  return { config, logger, db, redis, queues, jobs, models, sampler };
}

export async function closeApiDeps(deps: ApiDeps): Promise<void> {
  await deps.sampler?.stop();
  await deps.models.close();
  await deps.queues.close();
  await deps.redis.quit();
  await deps.db.close();
}

/** Runs one API process (src/api/cluster.ts runs several). */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`api: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.log.level, 'api');
  onProcessFaults(logger);
  const deps = await buildApiDeps(config, logger);
  const server: Server = createApiServer(deps).listen(config.api.port, config.api.host, () => {
    logger.info({ port: config.api.port, host: config.api.host }, 'api listening');
  });
  onShutdown(logger, [() => new Promise<void>((r) => server.close(() => r())), () => closeApiDeps(deps)]);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err) => {
    console.error('api failed to start:', err);
    process.exit(1);
  });
}
