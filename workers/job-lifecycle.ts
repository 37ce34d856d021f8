import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import type { ZodType } from 'zod';
import type { JobProgress } from '../queues/job-schemas.js';
import { isCancelRequested, markActive, markCancelled, markCompleted, markFailed, markProgress } from '../src/jobs/job-records.js';
import type { Database } from '../src/registry/database.js';
import { AppError } from '../src/utils/app-error.js';
import type { Logger } from '../src/utils/logger.js';
import { JobTimeoutError } from './job-timeout.js';

/** What a job handler gets besides its parsed payload. */
export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(p: JobProgress): Promise<void>;
  job: Job;
}

export type JobHandler<T, R> = (data: T, ctx: JobContext) => Promise<R>;

/** Progress reaches BullMQ at once and the job record at most this often (the latest value, within this much). */
export const PROGRESS_WRITE_MS = 1000;

/**
 * Writes a job's progress to its record at most once per `everyMs`: the
 * first at once, later ones as one trailing write of the latest value, so
 * the record is never more than `everyMs` behind and a job reporting every
 * fold does not write its record every fold (record writes are the store's
 * dearest operation). `finish` stops it and returns a progress not yet
 * written, for the final write to carry.
 */
export class ProgressRecorder {
  private last = 0;
  private pending: JobProgress | null = null;
  private timer: NodeJS.Timeout | null = null;
  private done = false;

  constructor(
    private readonly write: (p: JobProgress) => Promise<void>,
    private readonly everyMs: number,
    private readonly log: Logger,
  ) {}

  async record(p: JobProgress): Promise<void> {
    if (this.done) return;
    const now = Date.now();
    if (now - this.last >= this.everyMs && !this.timer) {
      this.last = now;
      this.pending = null;
      await this.write(p);
      return;
    }
    this.pending = p;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const latest = this.pending;
      this.pending = null;
      this.last = Date.now();
      if (latest && !this.done) this.write(latest).catch((err) => this.log.warn({ err: (err as Error).message }, 'could not record job progress'));
    }, Math.max(0, this.last + this.everyMs - now));
  }

  finish(): JobProgress | undefined {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.pending ?? undefined;
    this.pending = null;
    return p;
  }
}

/**
 * Wraps a handler into a BullMQ processor that mirrors the job's state into
 * MongoDB, parses the payload with its schema (a bad payload is not retried),
 * honours cancellation, and marks failures final when retrying cannot help.
 */
export function processorFor<T, R>(db: Database, logger: Logger, schema: ZodType<T>, handler: JobHandler<T, R>): Processor {
  return async (job: Job, token?: string, signal?: AbortSignal) => {
    const id = job.id!;
    const attempt = job.attemptsMade + 1;
    // this attempt's lock token fences its record writes (see job-records)
    const holder = token ?? job.token;
    const log = logger.child({ job: id, name: job.name, attempt });
    /** a final write that matched nothing: the record is finished, or another worker took the job over */
    const discarded = (outcome: string): void => log.warn({ outcome }, 'result discarded: the job is finished or held by another worker (this attempt lost its lock)');
    if (await isCancelRequested(db, id)) {
      await markCancelled(db, id);
      throw new UnrecoverableError('cancelled');
    }
    await markActive(db, id, attempt, holder ?? null);
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      await markFailed(db, id, { code: 'invalid_payload', message: parsed.error.message }, true, attempt, undefined, holder);
      throw new UnrecoverableError(`invalid payload: ${parsed.error.message}`);
    }
    const ac = new AbortController();
    signal?.addEventListener('abort', () => ac.abort(signal.reason), { once: true });
    const records = new ProgressRecorder(async (p) => void (await markProgress(db, id, p, holder)), PROGRESS_WRITE_MS, log);
    const ctx: JobContext = {
      jobId: id,
      signal: ac.signal,
      job,
      progress: async (p) => {
        await job.updateProgress(p);
        await records.record(p);
      },
    };
    log.info('job started');
    try {
      const result = await handler(parsed.data, ctx);
      // a handler that finished its work after its time ran out still timed out
      if (ac.signal.reason instanceof JobTimeoutError) throw ac.signal.reason;
      if (await markCompleted(db, id, result, records.finish(), holder)) log.info('job completed');
      else discarded('completed');
      return result;
    } catch (err) {
      // the last progress not written yet goes with the final write, whatever the outcome
      const progress = records.finish();
      if (ac.signal.reason instanceof JobTimeoutError) {
        const message = ac.signal.reason.message;
        if (await markFailed(db, id, { code: 'timeout', message }, true, attempt, progress, holder)) log.warn({ err: message }, 'job timed out');
        else discarded('timeout');
        throw new UnrecoverableError(message);
      }
      if (ac.signal.aborted) {
        if (await markCancelled(db, id, { progress, holder })) log.info('job cancelled');
        else discarded('cancelled');
        throw new UnrecoverableError('cancelled');
      }
      const userError = err instanceof AppError && err.status < 500;
      const final = userError || err instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      const message = (err as Error).message ?? String(err);
      if (await markFailed(db, id, { code: userError ? (err as AppError).code : 'job_failed', message }, final, attempt, progress, holder)) log.warn({ err: message, final }, 'job attempt failed');
      else discarded('failed');
      throw userError ? new UnrecoverableError(message) : err;
    }
  };
}
