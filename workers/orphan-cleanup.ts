import type { Job, Processor, Queue } from 'bullmq';
import { schedule, type ScheduledTask } from 'node-cron';
import { z } from 'zod';
import { cleanupOrphans } from '../src/registry/orphan-cleanup.js';
import type { Database } from '../src/registry/database.js';
import type { Logger } from '../src/utils/logger.js';
import { processorFor } from './job-lifecycle.js';

/** The job name of the clean-up on the monitoring queue. */
export const ORPHAN_CLEANUP = 'orphan_cleanup';

export const orphanCleanupJobSchema = z
  .object({ type: z.literal(ORPHAN_CLEANUP), tick: z.string().min(1), grace_minutes: z.number().int().min(0) })
  .strict();

/**
 * Scheduler side: on every tick of `cron` (daily by default), enqueue one
 * clean-up on the monitoring queue; the job id comes from the tick, so two
 * schedulers enqueue it once.
 */
export function scheduleOrphanCleanup(cron: string, queue: Queue, graceMinutes: number, logger: Logger): ScheduledTask {
  return schedule(cron, async (ctx) => {
    const at = new Date(ctx.date);
    at.setMilliseconds(0);
    try {
      await queue.add(ORPHAN_CLEANUP, { type: ORPHAN_CLEANUP, tick: at.toISOString(), grace_minutes: graceMinutes }, { jobId: `${ORPHAN_CLEANUP}-${at.getTime()}`, attempts: 2 });
    } catch (err) {
      logger.error({ err }, 'could not enqueue the orphan clean-up');
    }
  });
}

/**
 * Worker side: the monitoring queue's processor, with `orphan_cleanup` jobs
 * routed to the registry's clean-up and everything else to `monitoring`.
 */
export function withOrphanCleanup(monitoring: Processor, deps: { db: Database; logger: Logger }): Processor {
  const cleanup = processorFor(deps.db, deps.logger, orphanCleanupJobSchema, async (job) => {
    const report = await cleanupOrphans(deps.db, { graceMinutes: job.grace_minutes });
    deps.logger.info({ files: report.files_removed.length, chunkGroups: report.orphan_chunks_removed.length, bytes: report.bytes_freed }, 'orphaned artifacts cleaned up');
    return report;
  });
  return (job: Job, token?: string, signal?: AbortSignal) => (job.name === ORPHAN_CLEANUP ? cleanup(job, token, signal) : monitoring(job, token, signal));
}
