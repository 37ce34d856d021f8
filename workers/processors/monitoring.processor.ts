import { z } from 'zod';
import type { Config } from '../../config/index.js';
import type { JobQueues } from '../../queues/job-queues.js';
import { monitorJobSchema } from '../../queues/job-schemas.js';
import { AlertService } from '../../src/monitoring/alert-service.js';
import { runModelCheck, type CheckResult } from '../../src/monitoring/model-check.js';
import { runTick } from '../../src/monitoring/tick.js';
import { deliverWebhook, webhookEnqueuer } from '../../src/monitoring/webhooks.js';
import type { Database } from '../../src/registry/database.js';
import { markActivity } from '../../src/registry/model-activity.js';
import { AppError } from '../../src/utils/app-error.js';
import type { Logger } from '../../src/utils/logger.js';
import { processorFor } from '../job-lifecycle.js';

const tickJobSchema = z.object({ type: z.literal('tick'), tick: z.string().min(1), scheduler: z.string() }).strict();
const webhookJobSchema = z.object({ type: z.literal('alert_webhook'), alert_id: z.string().regex(/^[0-9a-f]{24}$/), url: z.string().url(), index: z.number().int().min(0) }).strict();

/** Everything that runs on the monitoring queue. */
export const monitoringJobSchema = z.discriminatedUnion('type', [tickJobSchema, monitorJobSchema, webhookJobSchema]);

/**
 * The `monitoring` queue's processor: the scheduler's tick (queue series,
 * cluster alert rules, fan-out of model checks, pruning), a model's drift and
 * performance check, and webhook deliveries of opened alerts.
 */
export function monitoringProcessor(deps: { db: Database; queues: JobQueues; logger: Logger; config: Config }) {
  const { db, queues, logger, config } = deps;
  const m = config.monitoring;
  const alerts = new AlertService(db, {
    logger,
    webhooks: m.webhooks,
    enqueueDelivery: webhookEnqueuer(queues.get('monitoring'), { attempts: m.webhookAttempts, backoffMs: m.webhookBackoffMs }),
    retentionDays: m.retentionDays,
  });
  const ctx = { db, config, alerts, logger, queues };
  return processorFor(db, logger, monitoringJobSchema, async (job, { jobId, job: bull }) => {
    switch (job.type) {
      case 'tick':
        return runTick(ctx, job);
      case 'monitor':
        try {
          const startedAt = new Date();
          const result = await runModelCheck(ctx, { modelName: job.model_name, runKey: job.tick ?? jobId, trigger: job.tick ? 'schedule' : 'on_demand', jobId }, startedAt);
          if (job.tick) await markActivity(db, [job.model_name], 'lastScheduledCheckAt', startedAt);
          return result;
        } catch (err) {
          // a model deleted (or all its versions archived) after the tick queued its check: nothing to watch
          if (job.tick && err instanceof AppError && (err.code === 'not_found' || err.code === 'conflict')) {
            return { model_name: job.model_name, status: 'not_applicable', reason: err.message } as Partial<CheckResult>;
          }
          throw err;
        }
      case 'alert_webhook':
        return deliverWebhook(db, job, { timeoutMs: m.webhookTimeoutMs, finalAttempt: bull.attemptsMade + 1 >= (bull.opts.attempts ?? 1), logger, secret: m.webhookSecret });
    }
  });
}
