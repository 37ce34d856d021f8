import { internalBounds, fromInternal, isNumeric, paramNames, sampleUniform, toInternal, trialRng, type SearchSpace } from '../search-space.js';
import type { Direction, StudySnapshot } from '../study.js';
import { lastStep, valueAt, type FrozenTrial, type TrialParams } from '../trial.js';
import { ParzenEstimator, type ParzenDimension } from './parzen-estimator.js';
import type { Sampler } from './sampler.js';

/** Options of {@link TpeSampler} (snake_case twins in the job's `sampler` block). */
export interface TpeOptions {
  seed: number;
  /** random trials before TPE takes over @defaultValue 10 */
  nStartupTrials?: number;
  /** candidates drawn from l(x) per trial; the best l/g ratio wins @defaultValue 24 */
  nEiCandidates?: number;
  /** model the parameters jointly (captures interactions) instead of one by one @defaultValue true */
  multivariate?: boolean;
  /**
   * Treat trials still running as if they had the worst value, so that
   * parallel asks spread out instead of proposing the same point.
   * @defaultValue true
   */
  constantLiar?: boolean;
  /** weight of the prior kernel @defaultValue 1 */
  priorWeight?: number;
}

/** Optuna's default split: the best 10 % (at most 25) are "good". */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011, as Optuna
 * implements it): finished trials split into good and bad by the objective;
 * one density is fitted to each; the candidate drawn from the good density
 * that maximises good/bad density wins. Pruned trials count as bad, after the
 * complete ones, ranked by how far they got.
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private readonly opts: Required<TpeOptions>;

  constructor(options: TpeOptions) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.opts = { nStartupTrials: 10, nEiCandidates: 24, multivariate: true, constantLiar: true, priorWeight: 1, ...given, seed: options.seed };
  }

  sample(study: StudySnapshot, trial: { number: number }, space: SearchSpace): TrialParams {
    const rng = trialRng(this.opts.seed, trial.number);
    const names = paramNames(space);
    const finished = study.trials.filter((t) => t.number !== trial.number && (t.state === 'complete' || t.state === 'pruned'));
    if (finished.length < this.opts.nStartupTrials) {
      const out: TrialParams = {};
      for (const name of names) out[name] = sampleUniform(space[name], rng);
      return out;
    }
    const liars = this.opts.constantLiar ? study.trials.filter((t) => t.number !== trial.number && t.state === 'running' && hasAll(t, names)) : [];
    const ranked = rank(finished.filter((t) => hasAll(t, names)), study.direction);
    const nBelow = defaultGamma(ranked.length + liars.length);
    const below = byNumber(ranked.slice(0, nBelow));
    const above = byNumber([...ranked.slice(nBelow), ...liars]);

    const groups = this.opts.multivariate ? [names] : names.map((n) => [n]);
    const out: TrialParams = {};
    for (const group of groups) {
      const dims = group.map((n) => dimensionOf(space, n));
      const encode = (t: FrozenTrial): number[] => group.map((n) => encodeValue(space, n, t.params[n]));
      const options = { priorWeight: this.opts.priorWeight, multivariate: this.opts.multivariate, spaceDims: names.length };
      const good = new ParzenEstimator(dims, below.map(encode), options);
      const bad = new ParzenEstimator(dims, above.map(encode), options);
      const candidates = good.sample(rng, this.opts.nEiCandidates);
      const lGood = good.logPdf(candidates);
      const lBad = bad.logPdf(candidates);
      let best = 0;
      for (let i = 1; i < candidates.length; i++) if (lGood[i] - lBad[i] > lGood[best] - lBad[best]) best = i;
      group.forEach((n, d) => (out[n] = decodeValue(space, n, candidates[best][d])));
    }
    return Object.fromEntries(names.map((n) => [n, out[n]]));
  }
}

function hasAll(t: FrozenTrial, names: string[]): boolean {
  return names.every((n) => Object.hasOwn(t.params, n));
}

function byNumber(trials: FrozenTrial[]): FrozenTrial[] {
  return [...trials].sort((a, b) => a.number - b.number);
}

/** Best first: complete trials by value, then pruned ones by the furthest step reached and the value there. */
function rank(trials: FrozenTrial[], direction: Direction): FrozenTrial[] {
  const sign = direction === 'maximize' ? -1 : 1;
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null).sort((a, b) => sign * (a.value! - b.value!));
  const pruned = trials
    .filter((t) => t.state === 'pruned')
    .map((t) => {
      const step = lastStep(t);
      const v = step === null ? undefined : valueAt(t, step);
      return { t, step: step ?? -1, v: v === undefined ? Infinity : sign * v };
    })
    .sort((a, b) => b.step - a.step || a.v - b.v)
    .map((x) => x.t);
  return [...complete, ...pruned];
}

function dimensionOf(space: SearchSpace, name: string): ParzenDimension {
  const d = space[name];
  if (!isNumeric(d)) return { kind: 'categorical', size: d.choices.length };
  const [low, high] = internalBounds(d);
  return { kind: 'numeric', low, high };
}

function encodeValue(space: SearchSpace, name: string, v: unknown): number {
  const d = space[name];
  if (!isNumeric(d)) return Math.max(0, d.choices.indexOf(v as never));
  return toInternal(d, v as number);
}

function decodeValue(space: SearchSpace, name: string, x: number): TrialParams[string] {
  const d = space[name];
  return isNumeric(d) ? fromInternal(d, x) : d.choices[x];
}
