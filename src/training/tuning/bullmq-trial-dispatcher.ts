import type { Queue } from 'bullmq';
import { trialJobId, type TrialDispatcher, type TrialJob, type TrialJobStatus } from './trial-dispatcher.js';

/**
 * Trials as jobs on the `tune_trial` queue, so every worker process attached
 * to the same Redis shares a study. Running trials are stopped through the
 * cluster's cancel channel, which reaches whichever worker holds the job.
 */
export class BullTrialDispatcher implements TrialDispatcher {
  constructor(
    private readonly queue: Queue,
    /** publishes a job id on the cancel channel */
    private readonly publishCancel: (jobId: string) => Promise<unknown>,
  ) {}

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
