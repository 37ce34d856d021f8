import type { StudySnapshot } from '../study.js';
import { lastStep, valueAt, type FrozenTrial } from '../trial.js';
import type { Pruner } from './pruner.js';

/** Options of {@link MedianPruner}. */
export interface MedianPrunerOptions {
  /** complete trials needed before anything is pruned @defaultValue 5 */
  nStartupTrials?: number;
  /** steps (folds) never pruned at @defaultValue 0 */
  nWarmupSteps?: number;
  /** prune only every this many steps after the warm-up @defaultValue 1 */
  intervalSteps?: number;
  /** complete trials that must have reported the step @defaultValue 1 */
  nMinTrials?: number;
}

/**
 * Prunes a trial whose value at a step is worse than the median of the
 * complete trials' values at the same step. Steps are CV folds, which differ
 * in difficulty, so the trial's value at the step is compared (not its best
 * over the steps so far, as for learning curves).
 */
export class MedianPruner implements Pruner {
  readonly name = 'median';
  private readonly opts: Required<MedianPrunerOptions>;

  constructor(options: MedianPrunerOptions = {}) {
    this.opts = { nStartupTrials: 5, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1, ...options };
  }

  prune(study: StudySnapshot, trial: FrozenTrial): boolean {
    const complete = study.trials.filter((t) => t.state === 'complete' && t.number !== trial.number);
    if (complete.length === 0 || complete.length < this.opts.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === null || step < this.opts.nWarmupSteps) return false;
    if ((step - this.opts.nWarmupSteps) % this.opts.intervalSteps !== 0) return false;
    const mine = valueAt(trial, step)!;
    const others = complete.map((t) => valueAt(t, step)).filter((v): v is number => v !== undefined);
    if (others.length < this.opts.nMinTrials) return false;
    const median = percentile(others, 50);
    return study.direction === 'maximize' ? mine < median : mine > median;
  }
}

/** numpy's linear-interpolation percentile. */
export function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = ((s.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
