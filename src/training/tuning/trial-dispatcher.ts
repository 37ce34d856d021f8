import { z } from 'zod';

/** The payload of a `tune_trial` job: which trial of which study to run. */
export const trialJobSchema = z.object({ study_id: z.string().min(1), number: z.number().int().min(0) }).strict();
export type TrialJob = z.infer<typeof trialJobSchema>;

/** The job id of a trial: deterministic, so dispatching twice queues one job (BullMQ ids cannot contain ':'). */
export function trialJobId(studyId: string, number: number): string {
  return `${studyId}-trial-${number}`;
}

/** Where a trial's job stands, as far as the study driver cares. */
export type TrialJobStatus = { kind: 'pending' } | { kind: 'missing' } | { kind: 'lost'; reason: string };

/**
 * Gets trials run somewhere: as BullMQ jobs any worker may take
 * (BullTrialDispatcher), or in this process (LocalTrialDispatcher, for tests
 * and benchmarks). The trial itself tells storage how it ended.
 */
export interface TrialDispatcher {
  /** Makes sure trial `number` will run; dispatching a trial again is harmless. */
  dispatch(studyId: string, number: number): Promise<void>;
  /**
   * `missing` when no job exists for a running trial (the driver died
   * between asking and dispatching), `lost` when its job ended without
   * telling storage (for instance it stalled too often).
   */
  status(studyId: string, number: number): Promise<TrialJobStatus>;
  /** Stops a trial's job: true when it had not started and is gone, false when a running one is being aborted. */
  cancel(studyId: string, number: number): Promise<boolean>;
  /**
   * Resolves when a trial of the study may have ended, or after `ms`
   * (whichever is first), so the driver need not poll storage fast.
   */
  waitForChange?(studyId: string, ms: number, signal?: AbortSignal): Promise<void>;
}

/** The study id of a trial job id. */
export function studyOfTrialJob(jobId: string): string {
  const i = jobId.lastIndexOf('-trial-');
  return i < 0 ? jobId : jobId.slice(0, i);
}
