import os from 'node:os';
import { parseArgs } from 'node:util';
import { MetricsTime, QueueEvents, Worker, type Processor } from 'bullmq';
import { ConfigError, loadConfig, type Config, type QueueKind } from '../config/index.js';
import { createRedis } from '../queues/connection.js';
import { JobQueues } from '../queues/job-queues.js';
import { cancelChannel } from '../queues/queue-names.js';
import { ProcessSampler } from '../src/monitoring/process-sampler.js';
import { openDatabase } from '../src/registry/database.js';
import { markPoisoned } from '../src/jobs/job-records.js';
import { reconcileJobRecords } from '../src/jobs/reconcile.js';
import { createLogger } from '../src/utils/logger.js';
import { onProcessFaults } from '../src/utils/process-faults.js';
import { onShutdown } from '../src/utils/shutdown.js';
import { withOrphanCleanup } from './orphan-cleanup.js';
import { batchPredictProcessor } from './processors/batch-predict.processor.js';
import { evaluateProcessor } from './processors/evaluate.processor.js';
import { monitoringProcessor } from './processors/monitoring.processor.js';
import { trainProcessor } from './processors/train.processor.js';
import { tuneTrialProcessor } from './processors/tune-trial.processor.js';
import { tuneProcessor } from './processors/tune.processor.js';
import { withTimeout } from './job-timeout.js';
import { PiscinaTaskRunner } from './thread-pool.js';

/** How often a worker looks for job records that disagree with BullMQ. */
const RECONCILE_MS = 30_000;

/** limits.timeoutSeconds key of each queue */
const TIMEOUT_KEY: Record<QueueKind, keyof Config['limits']['timeoutSeconds']> = {
  train: 'train',
  tune: 'tune',
  tune_trial: 'tuneTrial',
  evaluate: 'evaluate',
  batch_predict: 'batchPredict',
  monitoring: 'monitoring',
};

/**
 * A worker process: consumes the configured queues (or `--queues a,b`), runs
 * heavy work in its Piscina pool, and shuts down gracefully on SIGTERM/SIGINT:
 * it stops taking jobs, lets active ones finish for `worker.shutdown_grace_ms`,
 * then exits and so hands the rest back (their locks lapse and another worker
 * resumes them).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { queues: { type: 'string' }, threads: { type: 'string' } } });
  let config: Config;
  try {
    config = loadConfig({
      overrides: {
        ...(values.queues ? { worker: { queues: values.queues.split(',').map((s) => s.trim()) } } : {}),
        ...(values.threads ? { worker: { poolThreads: values.threads } } : {}),
      },
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`worker: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.log.level, 'worker');
  onProcessFaults(logger);
  const db = await openDatabase(config.mongo.url);
  const connection = createRedis(config.redis, 'trainyard-worker');
  const queues = new JobQueues(connection, config.redis.prefix, config);
  const runner = new PiscinaTaskRunner(config.worker.poolThreads, (err) => logger.warn({ err: err.message }, 'thread pool error outside any task'));
  const sampler = new ProcessSampler(db, { role: 'worker', intervalMs: config.monitoring.sampleIntervalSeconds * 1000, retentionDays: config.monitoring.retentionDays, logger }).start();
  // a finished trial wakes its study's driver (own connection: the events block on Redis)
  const trialEvents = config.worker.queues.includes('tune')
    ? new QueueEvents('tune_trial', { connection: createRedis(config.redis, 'trainyard-tune-events'), prefix: config.redis.prefix })
    : undefined;
  const processors: Partial<Record<QueueKind, Processor>> = {
    train: trainProcessor({ db, runner, logger, packageVersion: config.version, defaultCvFolds: config.training.cvFolds }),
    monitoring: withOrphanCleanup(monitoringProcessor({ db, queues, logger, config }), { db, logger }),
    evaluate: evaluateProcessor({ db, runner, logger, limits: config.evaluation, sliceBins: config.evaluation.sliceBins }),
    batch_predict: batchPredictProcessor({ db, runner, logger, blockRows: config.serving.batchBlockRows }),
    tune: tuneProcessor({
      db,
      runner,
      logger,
      queues,
      publishCancel: (jobId) => connection.publish(cancelChannel(config.redis.prefix), jobId),
      trialEvents,
      packageVersion: config.version,
      defaultCvFolds: config.training.cvFolds,
    }),
    tune_trial: tuneTrialProcessor({ db, runner, logger }),
  };
  const workers = config.worker.queues
    .filter((kind) => processors[kind])
    .map(
      (kind) =>
        new Worker(kind, withTimeout(processors[kind]!, config.limits.timeoutSeconds[TIMEOUT_KEY[kind]]), {
          connection,
          prefix: config.redis.prefix,
          // trials only feed the pool: one per thread keeps it busy while others wait on Redis or MongoDB
          concurrency: kind === 'tune_trial' ? Math.max(config.worker.concurrency, runner.threads) : config.worker.concurrency,
          lockDuration: config.worker.lockDurationMs,
          stalledInterval: config.worker.stalledIntervalMs,
          // a job that stalls its worker a second time is failed, not handed out again (poisoned)
          maxStalledCount: 1,
          // per-minute completed/failed counts: queue throughput and failure rate (monitoring)
          metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
          name: `${os.hostname()}:${process.pid}`,
        }),
    );
  for (const w of workers) {
    w.on('error', (err) => logger.error({ err, queue: w.name }, 'worker error'));
    // BullMQ fails a job that stalled too often when it next comes up, without running it
    w.on('failed', (job, err) => {
      if (!job?.id || !job.deferredFailure) return;
      logger.error({ job: job.id, queue: w.name, err: err.message }, 'poisoned job failed');
      markPoisoned(db, job.id, err.message).catch((e: Error) => logger.error({ job: job.id, err: e.message }, 'could not record a poisoned job'));
    });
    w.on('stalled', (jobId) => logger.warn({ job: jobId, queue: w.name }, 'job stalled: its worker died or hung; handing it out again'));
  }

  const subscriber = connection.duplicate();
  await subscriber.subscribe(cancelChannel(config.redis.prefix));
  subscriber.on('message', (_channel, jobId: string) => {
    for (const w of workers) if (w.cancelJob(jobId, 'cancelled by request')) logger.info({ job: jobId }, 'cancelling job');
  });

  // job records that missed how their job ended (a store was down at the time) are repaired from BullMQ
  let reconciling = false;
  const reconciler = setInterval(() => {
    if (reconciling) return;
    reconciling = true;
    reconcileJobRecords(db, queues)
      .then(({ repaired }) => repaired.length && logger.warn({ jobs: repaired }, 'job records repaired from BullMQ'))
      .catch((err: Error) => logger.warn({ err: err.message }, 'could not reconcile job records'))
      .finally(() => (reconciling = false));
  }, RECONCILE_MS);
  reconciler.unref();

  logger.info({ queues: workers.map((w) => w.name), threads: runner.threads, prefix: config.redis.prefix }, 'worker ready');
  onShutdown(logger, [
    async () => {
      const grace = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.worker.shutdownGraceMs).unref());
      const closed = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
      if ((await Promise.race([closed, grace])) === 'timeout') {
        // Leave now without failing the jobs: their locks lapse and another
        // worker resumes them (BullMQ's stalled-job check).
        logger.warn({ graceMs: config.worker.shutdownGraceMs }, 'active jobs still running after the grace period: handing them back and exiting');
        // stdout is a pipe under a supervisor: let the line out before exiting
        await new Promise<void>((r) => process.stdout.write('', () => r()));
        process.exit(0);
      }
    },
    () => runner.close(),
    async () => trialEvents?.close(),
    () => subscriber.quit(),
    () => queues.close(),
    () => connection.quit(),
    () => sampler.stop(),
    () => db.close(),
  ]);
}

main().catch((err) => {
  console.error('worker failed to start:', err);
  process.exit(1);
});
