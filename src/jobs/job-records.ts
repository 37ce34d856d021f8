import type { Database } from '../registry/database.js';
import type { JobProgress } from '../../queues/job-schemas.js';

/**
 * State changes of the job record, made by the worker that runs the job.
 * Each update is conditional on the current state, so a late event from a
 * stalled duplicate never reopens a finished job. A worker's writes are also
 * fenced by its attempt's BullMQ lock token (`holder`, set when it starts the
 * job): once another worker has taken the job over because the lock lapsed
 * (the first was cut off or hung), the first one's late writes match
 * nothing, so it cannot move the record under the worker that now runs it.
 * Writes return false when they matched nothing.
 */
const OPEN = { $in: ['queued', 'active'] };

function open(id: string, holder?: string): Record<string, unknown> {
  return { _id: id, state: OPEN, ...(holder === undefined ? {} : { holder }) };
}

/**
 * The job started. `startedAt` is the first start's: a first start is one
 * write, a retry two (on FerretDB's SQLite backend every write scans the
 * collection, so a job's record is written as few times as it can be; no
 * pipeline updates either, FerretDB does not run them).
 */
export async function markActive(db: Database, id: string, attempt: number, holder: string | null = null): Promise<boolean> {
  const first = await db.jobs.updateOne({ _id: id, state: OPEN, startedAt: null }, { $set: { state: 'active', attempts: attempt, holder, startedAt: new Date() } });
  if (first.matchedCount === 1) return true;
  const res = await db.jobs.updateOne({ _id: id, state: OPEN }, { $set: { state: 'active', attempts: attempt, holder } });
  return res.matchedCount === 1;
}

export async function markProgress(db: Database, id: string, progress: JobProgress, holder?: string): Promise<boolean> {
  return (await db.jobs.updateOne(open(id, holder), { $set: { progress } })).matchedCount === 1;
}

/** The job's result, and its last progress when that was not written yet. */
export async function markCompleted(db: Database, id: string, result: unknown, progress?: JobProgress, holder?: string): Promise<boolean> {
  const res = await db.jobs.updateOne(open(id, holder), { $set: { state: 'completed', result, error: null, finishedAt: new Date(), ...(progress ? { progress } : {}) } });
  return res.matchedCount === 1;
}

/** A failed attempt: final ends the job, otherwise it waits for its retry. */
export async function markFailed(
  db: Database,
  id: string,
  error: { code: string; message: string },
  final: boolean,
  attempts: number,
  progress?: JobProgress,
  holder?: string,
): Promise<boolean> {
  const withProgress = progress ? { progress } : {};
  const res = await db.jobs.updateOne(
    open(id, holder),
    { $set: final ? { state: 'failed', error, attempts, finishedAt: new Date(), ...withProgress } : { state: 'queued', error, attempts, ...withProgress } },
  );
  return res.matchedCount === 1;
}

/**
 * A job that stalled its worker too often (the process died or hung while
 * running it, twice): BullMQ refuses to hand it out again, and the record
 * says why, with the last error an attempt left, if any.
 */
export async function markPoisoned(db: Database, id: string, reason: string): Promise<void> {
  const doc = await db.jobs.findById(id).select({ error: 1, attempts: 1 }).lean();
  const last = (doc?.error as { message?: string } | null | undefined)?.message;
  const message = `the job's worker died or stopped responding while running it, twice (${reason}); it will not be handed out again. Last error: ${last ?? 'none recorded (the worker process ended without one)'}`;
  await db.jobs.updateOne({ _id: id, state: OPEN }, { $set: { state: 'failed', error: { code: 'poisoned', message }, finishedAt: new Date() } });
}

export async function markCancelled(
  db: Database,
  id: string,
  { reason = 'cancelled by request', at = new Date(), progress, holder }: { reason?: string; at?: Date; progress?: JobProgress; holder?: string } = {},
): Promise<boolean> {
  const res = await db.jobs.updateOne(open(id, holder), { $set: { state: 'cancelled', error: { code: 'cancelled', message: reason }, finishedAt: at, ...(progress ? { progress } : {}) } });
  return res.matchedCount === 1;
}

export async function isCancelRequested(db: Database, id: string): Promise<boolean> {
  const doc = await db.jobs.findById(id).select({ cancelRequested: 1 }).lean();
  return doc?.cancelRequested === true;
}
