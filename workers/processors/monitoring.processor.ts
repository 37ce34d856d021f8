import { z } from 'zod';
import type { JobQueues } from '../../queues/job-queues.js';
import { recordQueueHealth } from '../../src/monitoring/queue-health.js';
import type { Database } from '../../src/registry/database.js';
import type { Logger } from '../../src/utils/logger.js';
import { processorFor } from '../job-lifecycle.js';

export const queueHealthJobSchema = z.object({ type: z.literal('queue_health'), tick: z.string().min(1), scheduler: z.string() }).strict();

/** The `monitoring` queue's processor: one queue-health snapshot per tick. */
export function monitoringProcessor(deps: { db: Database; queues: JobQueues; logger: Logger; ttlDays: number }) {
  return processorFor(deps.db, deps.logger, queueHealthJobSchema, (job) => recordQueueHealth(deps.db, deps.queues, job.tick, job.scheduler, deps.ttlDays));
}
