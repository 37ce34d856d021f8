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

/**
 * Wraps a handler into a BullMQ processor that mirrors the job's state into
 * MongoDB, parses the payload with its schema (a bad payload is not retried),
 * honours cancellation, and marks failures final when retrying cannot help.
 */
export function processorFor<T, R>(db: Database, logger: Logger, schema: ZodType<T>, handler: JobHandler<T, R>): Processor {
  return async (job: Job, _token?: string, signal?: AbortSignal) => {
    const id = job.id!;
    const attempt = job.attemptsMade + 1;
    const log = logger.child({ job: id, name: job.name, attempt });
    if (await isCancelRequested(db, id)) {
      await markCancelled(db, id);
      throw new UnrecoverableError('cancelled');
    }
    await markActive(db, id, attempt);
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      await markFailed(db, id, { code: 'invalid_payload', message: parsed.error.message }, true, attempt);
      throw new UnrecoverableError(`invalid payload: ${parsed.error.message}`);
    }
    const ac = new AbortController();
    signal?.addEventListener('abort', () => ac.abort(signal.reason), { once: true });
    const ctx: JobContext = {
      jobId: id,
      signal: ac.signal,
      job,
      progress: async (p) => {
        await job.updateProgress(p);
        await markProgress(db, id, p);
      },
    };
    log.info('job started');
    try {
      const result = await handler(parsed.data, ctx);
      // a handler that finished its work after its time ran out still timed out
      if (ac.signal.reason instanceof JobTimeoutError) throw ac.signal.reason;
      await markCompleted(db, id, result);
      log.info('job completed');
      return result;
    } catch (err) {
      if (ac.signal.reason instanceof JobTimeoutError) {
        const message = ac.signal.reason.message;
        await markFailed(db, id, { code: 'timeout', message }, true, attempt);
        log.warn({ err: message }, 'job timed out');
        throw new UnrecoverableError(message);
      }
      if (ac.signal.aborted) {
        await markCancelled(db, id);
        log.info('job cancelled');
        throw new UnrecoverableError('cancelled');
      }
      const userError = err instanceof AppError && err.status < 500;
      const final = userError || err instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      const message = (err as Error).message ?? String(err);
      await markFailed(db, id, { code: userError ? (err as AppError).code : 'job_failed', message }, final, attempt);
      log.warn({ err: message, final }, 'job attempt failed');
      throw userError ? new UnrecoverableError(message) : err;
    }
  };
}
