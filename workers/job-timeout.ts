import type { Job, Processor } from 'bullmq';

/** The abort reason of a job that ran past its wall-clock limit (limits.timeout_seconds). */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';

  constructor(readonly seconds: number) {
    super(`the job ran longer than its limit of ${seconds} s (limits.timeout_seconds); its threads were stopped`);
  }
}

/**
 * A processor whose job is aborted after `seconds` of wall-clock time: the
 * signal it gets (BullMQ's, for cancellation) also aborts with a
 * JobTimeoutError, which stops the job's thread-pool tasks; processorFor
 * records the job as failed with code `timeout`.
 */
export function withTimeout(processor: Processor, seconds: number): Processor {
  return async (job: Job, token?: string, signal?: AbortSignal) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new JobTimeoutError(seconds)), seconds * 1000);
    try {
      return await processor(job, token, signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal);
    } finally {
      clearTimeout(timer);
    }
  };
}
