import type { JobQueues } from '../../queues/job-queues.js';
import type { Database } from '../registry/database.js';
import { isDuplicateKey } from '../registry/database.js';

/**
 * Records depths, failures and worker counts of every queue for one tick.
 * The tick is unique in MongoDB, so however many schedulers enqueue it, one
 * snapshot is written. Expired snapshots are pruned here (FerretDB has no TTL).
 */
export async function recordQueueHealth(db: Database, queues: JobQueues, tick: string, takenBy: string, ttlDays: number): Promise<{ written: boolean }> {
  const now = new Date();
  const stats = await Promise.all(
    queues.all().map(async (q) => {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      return {
        name: q.name,
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        workers: await q.getWorkersCount(),
      };
    }),
  );
  let written = true;
  try {
    await db.queueHealth.create({ tick, takenAt: now, takenBy, queues: stats, expiresAt: new Date(now.getTime() + ttlDays * 86_400_000) });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    written = false;
  }
  await db.queueHealth.deleteMany({ expiresAt: { $lt: now } });
  return { written };
}
