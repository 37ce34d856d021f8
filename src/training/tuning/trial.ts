import type { TRIAL_STATES } from '../../../queues/job-schemas.js';
import type { CvMetric } from '../cross-validate.js';

/** Optuna's trial states: running until told; complete, pruned or failed once, for good. */
export type TrialState = (typeof TRIAL_STATES)[number];

export const FINISHED_STATES: readonly TrialState[] = ['complete', 'pruned', 'failed'];

/** A hyperparameter value a search space can produce. */
export type ParamValue = number | string | boolean | null;
export type TrialParams = Record<string, ParamValue>;

/** One reported intermediate value: the metric of CV fold `step`. */
export interface IntermediateValue {
  step: number;
  value: number;
}

/** A trial as storage holds it: plain data, safe to hand to samplers and pruners. */
export interface FrozenTrial {
  number: number;
  state: TrialState;
  params: TrialParams;
  /**
   * The objective: the mean CV metric when complete, the last intermediate
   * value when pruned, null otherwise.
   */
  value: number | null;
  /** in the order they were reported (folds may finish out of order) */
  intermediate: IntermediateValue[];
  /** every CV metric of a complete trial */
  cvMetrics: Record<string, CvMetric> | null;
  /** attempts a worker started on it (more than one after a crash) */
  attempts: number;
  /** `host:pid` of the worker that ran the latest attempt */
  worker: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** How a trial ended, as told to storage. */
export interface TrialOutcome {
  state: Exclude<TrialState, 'running'>;
  value?: number | null;
  cvMetrics?: Record<string, CvMetric> | null;
  error?: string | null;
}

export function isFinished(t: Pick<FrozenTrial, 'state'>): boolean {
  return t.state !== 'running';
}

/** The step reported last, or null before any report. */
export function lastStep(t: Pick<FrozenTrial, 'intermediate'>): number | null {
  return t.intermediate.length ? t.intermediate[t.intermediate.length - 1].step : null;
}

/** The value reported for `step`, or undefined. */
export function valueAt(t: Pick<FrozenTrial, 'intermediate'>, step: number): number | undefined {
  for (let i = t.intermediate.length - 1; i >= 0; i--) if (t.intermediate[i].step === step) return t.intermediate[i].value;
  return undefined;
}

/** Wall time of the latest attempt, or null while it runs. */
export function durationMs(t: Pick<FrozenTrial, 'startedAt' | 'finishedAt'>): number | null {
  return t.startedAt && t.finishedAt ? Math.max(0, t.finishedAt.getTime() - t.startedAt.getTime()) : null;
}

/** Thrown from a fold callback to stop a trial the pruner gave up on. */
export class TrialPruned extends Error {
  constructor(readonly step: number) {
    super(`trial pruned at step ${step}`);
    this.name = 'TrialPruned';
  }
}
