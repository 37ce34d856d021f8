import os from 'node:os';
import { schedule } from 'node-cron';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { createRedis } from '../queues/connection.js';
import { JobQueues } from '../queues/job-queues.js';
import { AlertService } from '../src/monitoring/alert-service.js';
import { evaluateMonitoringWorkers } from '../src/monitoring/cluster-rules.js';
import { directDelivery } from '../src/monitoring/webhooks.js';
import { openDatabase } from '../src/registry/database.js';
import { createLogger } from '../src/utils/logger.js';
import { onProcessFaults } from '../src/utils/process-faults.js';
import { onShutdown } from '../src/utils/shutdown.js';
import { scheduleOrphanCleanup } from './orphan-cleanup.js';

/**
 * The scheduler process: on every cron tick it enqueues the monitoring jobs
 * for that tick. Job ids are derived from the tick, so two schedulers
 * enqueue one job per tick (BullMQ ignores a second add with the same id),
 * and the snapshot's unique tick in MongoDB guards the write as well. It
 * also watches that some worker listens on the monitoring queue, since the
 * ticks themselves cannot report their own absence: that alert is raised
 * here and its webhooks are sent from here.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`scheduler: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.log.level, 'scheduler');
  onProcessFaults(logger);
  const connection = createRedis(config.redis, 'trainyard-scheduler');
  const queues = new JobQueues(connection, config.redis.prefix, config);
  const db = await openDatabase(config.mongo.url);
  const me = `${os.hostname()}:${process.pid}`;
  const monitoring = queues.get('monitoring');
  const m = config.monitoring;
  const alerts = new AlertService(db, {
    logger,
    webhooks: m.webhooks,
    enqueueDelivery: directDelivery(db, { attempts: m.webhookAttempts, backoffMs: m.webhookBackoffMs, timeoutMs: m.webhookTimeoutMs, logger, secret: m.webhookSecret }),
    retentionDays: m.retentionDays,
  });
  // a scheduler that starts before its workers gives them the rule's grace period
  let lastSeenAt = new Date();

  const task = schedule(config.scheduler.cron, async (ctx) => {
    const at = new Date(ctx.date);
    at.setMilliseconds(0);
    const tick = at.toISOString();
    try {
      await monitoring.add('tick', { type: 'tick', tick, scheduler: me }, { jobId: `tick-${at.getTime()}`, attempts: 2 });
      logger.debug({ tick }, 'tick enqueued');
    } catch (err) {
      logger.error({ err, tick }, 'could not enqueue the tick');
    }
    try {
      const now = new Date();
      const workers = await monitoring.getWorkersCount();
      if (workers > 0) lastSeenAt = now;
      if (await evaluateMonitoringWorkers(alerts, config, { workers, lastSeenAt }, now)) logger.error({ since: lastSeenAt.toISOString() }, 'no worker listens on the monitoring queue');
    } catch (err) {
      logger.error({ err, tick }, 'could not check the monitoring workers');
    }
  });
  const cleanup = scheduleOrphanCleanup(config.registry.cleanupCron, monitoring, config.registry.cleanupGraceMinutes, logger);
  logger.info({ cron: config.scheduler.cron, prefix: config.redis.prefix }, 'scheduler running');
  onShutdown(logger, [async () => task.stop(), async () => cleanup.stop(), () => queues.close(), () => connection.quit(), () => db.close()]);
}

main().catch((err) => {
  console.error('scheduler failed to start:', err);
  process.exit(1);
});
