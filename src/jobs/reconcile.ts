import type { JobQueues } from '../../queues/job-queues.js';
import type { JobType } from '../../queues/job-schemas.js';
import { QUEUE_OF } from '../../queues/queue-names.js';
import type { Database } from '../registry/database.js';
import { markCompleted, markFailed } from './job-records.js';

/**
 * Brings open job records (queued or active) in line with BullMQ when the
 * two disagree: a record write lost to a store going down while BullMQ moved
 * the job on (seen in the chaos run: MongoDB restarted, the job completed in
 * BullMQ, its record still said active). Completed in BullMQ: the record
 * takes its return value; failed: its reason; gone from the queue: failed,
 * code `lost`. Only records untouched for `olderThanMs` are looked at, so a
 * submission between its record and its queue entry is never caught.
 * Conditional writes, so several workers may run it at once.
 */
export async function reconcileJobRecords(db: Database, queues: JobQueues, options: { olderThanMs?: number; limit?: number } = {}): Promise<{ checked: number; repaired: string[] }> {
  const cutoff = new Date(Date.now() - (options.olderThanMs ?? 60_000));
  const open = await db.jobs
    .find({ state: { $in: ['queued', 'active'] }, updatedAt: { $lt: cutoff } })
    .select({ _id: 1, type: 1, attempts: 1 })
    .limit(options.limit ?? 500)
    .lean();
  const repaired: string[] = [];
  for (const doc of open) {
    const id = String(doc._id);
    const queue = QUEUE_OF[doc.type as JobType];
    if (!queue) continue;
    const job = await queues.get(queue).getJob(id);
    const state = job ? await job.getState() : 'unknown';
    if (state === 'completed') {
      await markCompleted(db, id, job!.returnvalue ?? null);
      repaired.push(id);
    } else if (state === 'failed') {
      await markFailed(db, id, { code: 'job_failed', message: job!.failedReason || 'the job failed' }, true, job!.attemptsMade);
      repaired.push(id);
    } else if (state === 'unknown') {
      await markFailed(db, id, { code: 'lost', message: 'the job is no longer in its queue and its record never heard how it ended (a store was down when it did)' }, true, doc.attempts ?? 0);
      repaired.push(id);
    }
  }
  return { checked: open.length, repaired };
}
