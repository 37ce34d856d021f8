import type { TuneJob } from '../../../../queues/job-schemas.js';
import type { PipelineTask } from '../../../ml/pipeline/pipeline-spec.js';
import type { FrozenTrial, TrialOutcome, TrialParams } from '../trial.js';

export type Direction = 'maximize' | 'minimize';
export type StudyState = 'running' | 'complete' | 'cancelled' | 'failed';

/** What a study is created with. */
export interface NewStudy {
  /** the tune job's id: one study per job, found again when the job resumes */
  id: string;
  /** the model the best trial is registered as */
  name: string;
  direction: Direction;
  metric: string;
  nTrials: number;
  /** the tune job spec, parsed (snake_case) */
  spec: TuneJob;
  task: PipelineTask;
  /** the dataset version resolved when the study began; every trial reads this one */
  datasetId: string;
  /** sampler seed: the job's, else derived from the id so that a resumed study asks the same way */
  seed: number;
}

export interface StudyRecord extends NewStudy {
  state: StudyState;
  bestTrial: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * Where studies and trials live, shared by every worker. Exactly-once rules
 * come from the storage itself, not from callers agreeing: a trial number
 * exists once per study, and a trial is finished (told) once.
 */
export interface StudyStorage {
  /** Creates the study, or returns the existing one with that id (a resumed job) with created false. */
  createStudy(study: NewStudy): Promise<{ study: StudyRecord; created: boolean }>;
  getStudy(id: string): Promise<StudyRecord | null>;
  /** Moves a running study to a final state; false when it was not running any more. */
  finishStudy(id: string, state: Exclude<StudyState, 'running'>, bestTrial?: number | null): Promise<boolean>;
  /** Creates trial `number` as running; null when that number already exists. */
  createTrial(studyId: string, number: number, params: TrialParams): Promise<FrozenTrial | null>;
  getTrial(studyId: string, number: number): Promise<FrozenTrial | null>;
  /** Every trial of the study, by number. */
  getTrials(studyId: string): Promise<FrozenTrial[]>;
  /**
   * A worker starts (or, after a crash, restarts) a running trial: one more
   * attempt, earlier reports cleared. Null when the trial is finished.
   */
  startTrial(studyId: string, number: number, worker: string): Promise<FrozenTrial | null>;
  /** Records the value of `step` for a running trial, once per step; false when the trial is finished. */
  reportIntermediate(studyId: string, number: number, step: number, value: number): Promise<boolean>;
  /** Finishes a running trial; false when it was finished already (the first one to tell wins). */
  finishTrial(studyId: string, number: number, outcome: TrialOutcome): Promise<boolean>;
}
