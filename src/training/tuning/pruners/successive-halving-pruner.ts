import type { StudySnapshot } from '../study.js';
import { lastStep, valueAt, type FrozenTrial } from '../trial.js';
import type { Pruner } from './pruner.js';

/** Options of {@link SuccessiveHalvingPruner}. */
export interface SuccessiveHalvingOptions {
  /** resource (folds) a trial gets before the first rung @defaultValue 1 */
  minResource?: number;
  /** 1/reduction_factor of the trials at a rung go on @defaultValue 3 */
  reductionFactor?: number;
  /** skips the first rungs @defaultValue 0 */
  minEarlyStoppingRate?: number;
  /** trials that must have reached a rung before it prunes anyone @defaultValue 0 */
  bootstrapCount?: number;
}

/**
 * Asynchronous successive halving (ASHA, Li et al. 2018, as in Optuna):
 * rung k sits at resource minResource * rf^(rate + k), i.e. after that many
 * folds; a trial reaching a rung goes on only if its value there is among the
 * best 1/rf of every trial that reached it so far. No trial waits for others,
 * so it suits trials spread over workers.
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly name = 'successive_halving';
  private readonly opts: Required<SuccessiveHalvingOptions>;

  constructor(options: SuccessiveHalvingOptions = {}) {
    this.opts = { minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0, bootstrapCount: 0, ...options };
  }

  /** The step (fold index) of rung k. */
  rungStep(k: number): number {
    return this.opts.minResource * this.opts.reductionFactor ** (this.opts.minEarlyStoppingRate + k) - 1;
  }

  prune(study: StudySnapshot, trial: FrozenTrial): boolean {
    const step = lastStep(trial);
    if (step === null) return false;
    let rung = 0;
    while (this.rungStep(rung) < step) rung++;
    if (this.rungStep(rung) !== step) return false;
    const value = valueAt(trial, step)!;
    const competing = [value];
    for (const t of study.trials) {
      if (t.number === trial.number || t.state === 'failed') continue;
      const v = valueAt(t, step);
      if (v !== undefined) competing.push(v);
    }
    if (competing.length <= this.opts.bootstrapCount) return true;
    return !promotable(value, competing, this.opts.reductionFactor, study.direction);
  }
}

/** Optuna's rule: among the top floor(n / rf); while fewer than rf have competed, only the best goes on. */
function promotable(value: number, competing: number[], rf: number, direction: 'maximize' | 'minimize'): boolean {
  let idx = Math.floor(competing.length / rf) - 1;
  if (idx === -1) idx = 0;
  const sorted = [...competing].sort((a, b) => a - b);
  return direction === 'maximize' ? value >= sorted[sorted.length - 1 - idx] : value <= sorted[idx];
}
