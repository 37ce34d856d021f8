import type { Queue, QueueEvents } from 'bullmq';
import { studyOfTrialJob, trialJobId, type TrialDispatcher, type TrialJob, type TrialJobStatus } from './trial-dispatcher.js';

/**
 * Trials as jobs on the `tune_trial` queue, so every worker process attached
 * to the same Redis shares a study. Running trials are stopped through the
 * cluster's cancel channel, which reaches whichever worker holds the job.
 */
export class BullTrialDispatcher implements TrialDispatcher {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly queue: Queue,
    /** publishes a job id on the cancel channel */
    private readonly publishCancel: (jobId: string) => Promise<unknown>,
    /** the trial queue's events: a finished trial wakes its study's driver at once */
    events?: QueueEvents,
  ) {
    const wake = ({ jobId }: { jobId: string }): void => {
      for (const w of this.waiters.get(studyOfTrialJob(jobId)) ?? []) w();
    };
    events?.on('completed', wake);
    events?.on('failed', wake);
  }

  waitForChange(studyId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      let set = this.waiters.get(studyId);
      if (!set) this.waiters.set(studyId, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(studyId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async dispatch(studyId: string, number: number): Promise<void> {
    const data: TrialJob = { study_id: studyId, number };
    await this.queue.add('tune_trial', data, { jobId: trialJobId(studyId, number) });
  }

  async status(studyId: string, number: number): Promise<TrialJobStatus> {
    const job = await this.queue.getJob(trialJobId(studyId, number));
    if (!job) return { kind: 'missing' };
    const state = await job.getState();
    if (state === 'failed') return { kind: 'lost', reason: `trial job failed: ${job.failedReason ?? 'unknown reason'}` };
    if (state === 'completed') return { kind: 'lost', reason: 'trial job ended without a result' };
    if (state === 'unknown') return { kind: 'missing' };
    return { kind: 'pending' };
  }

  async cancel(studyId: string, number: number): Promise<boolean> {
    const id = trialJobId(studyId, number);
    const job = await this.queue.getJob(id);
    if (!job) return true;
    const state = await job.getState();
    if (['waiting', 'delayed', 'prioritized', 'waiting-children', 'paused'].includes(state)) {
      try {
        await job.remove();
        return true;
      } catch {
        // it became active meanwhile: abort it instead
      }
    }
    if (state === 'completed' || state === 'failed') return true;
    await this.publishCancel(id);
    return false;
  }
}
