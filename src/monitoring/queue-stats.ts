import type { Queue } from 'bullmq';
import type { JobQueues } from '../../queues/job-queues.js';
import type { Database } from '../registry/database.js';
import { isDuplicateKey } from '../registry/database.js';

/** One queue right now, straight from BullMQ. */
export interface QueueNow {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  workers: number;
  /** age of the oldest waiting job, seconds (0 when none wait) */
  oldestWaitSeconds: number;
  /** jobs ever completed / failed (BullMQ metrics, kept by the workers) */
  completedTotal: number;
  failedTotal: number;
}

/** One queue over one tick: the `queue` series in MongoDB. */
export interface QueueSample extends QueueNow {
  /** seconds since the previous sample (null for the first) */
  intervalSeconds: number | null;
  completedDelta: number | null;
  failedDelta: number | null;
  /** completed jobs per second over the interval */
  throughput: number | null;
  /** failed / (completed + failed) over the interval; null when none finished */
  failureRate: number | null;
  /** mean time from enqueue to start of the jobs finished in the interval (at most 100 looked at), seconds */
  meanWaitSeconds: number | null;
}

async function oldestWaiting(q: Queue, now: number): Promise<number> {
  const [first] = await q.getJobs(['wait', 'prioritized'], 0, 0, true);
  return first?.timestamp ? Math.max(0, (now - first.timestamp) / 1000) : 0;
}

/** Reads one queue's depth, workers and totals. */
export async function readQueue(q: Queue, now = Date.now()): Promise<QueueNow> {
  const [c, workers, completed, failed, oldestWaitSeconds] = await Promise.all([
    q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'),
    q.getWorkersCount(),
    q.getMetrics('completed', 0, 0),
    q.getMetrics('failed', 0, 0),
    oldestWaiting(q, now),
  ]);
  return {
    name: q.name,
    waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
    active: c.active ?? 0,
    delayed: c.delayed ?? 0,
    completed: c.completed ?? 0,
    failed: c.failed ?? 0,
    workers,
    oldestWaitSeconds,
    completedTotal: Number(completed.meta.count) || 0,
    failedTotal: Number(failed.meta.count) || 0,
  };
}

async function meanWait(q: Queue, sinceMs: number): Promise<number | null> {
  const recent = await q.getJobs(['completed', 'failed'], 0, 99, false);
  const waits = recent.filter((j) => (j.finishedOn ?? 0) > sinceMs && j.processedOn && j.timestamp).map((j) => (j.processedOn! - j.timestamp) / 1000);
  return waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
}

/**
 * Samples every queue for one tick and stores the samples (unique per queue
 * and tick, so a second scheduler's tick stores nothing). Deltas are taken
 * against the queue's previous sample.
 */
export async function recordQueueSamples(db: Database, queues: JobQueues, tick: string, at: Date, retentionDays: number): Promise<QueueSample[]> {
  const expiresAt = new Date(at.getTime() + retentionDays * 86_400_000);
  return Promise.all(
    queues.all().map(async (q) => {
      const now = await readQueue(q, at.getTime());
      const prev = await db.metricSamples.findOne({ kind: 'queue', subject: q.name, at: { $lt: at } }).sort({ at: -1 }).lean();
      const pv = (prev?.values ?? null) as Partial<QueueSample> | null;
      const intervalSeconds = prev ? (at.getTime() - new Date(prev.at).getTime()) / 1000 : null;
      const completedDelta = pv ? Math.max(0, now.completedTotal - (pv.completedTotal ?? 0)) : null;
      const failedDelta = pv ? Math.max(0, now.failedTotal - (pv.failedTotal ?? 0)) : null;
      const finished = (completedDelta ?? 0) + (failedDelta ?? 0);
      const sample: QueueSample = {
        ...now,
        intervalSeconds,
        completedDelta,
        failedDelta,
        throughput: intervalSeconds && completedDelta !== null ? completedDelta / intervalSeconds : null,
        failureRate: pv && finished > 0 ? (failedDelta ?? 0) / finished : null,
        meanWaitSeconds: await meanWait(q, prev ? new Date(prev.at).getTime() : at.getTime() - 60_000),
      };
      try {
        await db.metricSamples.create({ key: `queue|${q.name}|${tick}`, kind: 'queue', subject: q.name, at, values: sample, expiresAt });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      return sample;
    }),
  );
}
