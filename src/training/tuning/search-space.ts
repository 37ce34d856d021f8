import { Rng } from '../../ml/base/random.js';
import type { Distribution, SearchSpace } from '../../../queues/job-schemas.js';
import type { ParamValue, TrialParams } from './trial.js';

export type { Distribution, SearchSpace };

type NumericDistribution = Extract<Distribution, { type: 'int' | 'float' }>;

/** Parameter names in a fixed order, so samplers draw the same values for the same seed. */
export function paramNames(space: SearchSpace): string[] {
  return Object.keys(space).sort();
}

export function isNumeric(d: Distribution): d is NumericDistribution {
  return d.type !== 'categorical';
}

/** The grid spacing of a numeric distribution: its step, 1 for ints, 0 for a continuous float. */
function spacing(d: NumericDistribution): number {
  return d.step ?? (d.type === 'int' ? 1 : 0);
}

/**
 * The interval samplers work in: log-transformed for `log`, and widened by
 * half a step each side for ints and stepped floats so that the end values
 * are as likely as the inner ones.
 */
export function internalBounds(d: NumericDistribution): [number, number] {
  const half = spacing(d) / 2;
  const lo = d.low - half;
  const hi = d.high + half;
  return d.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

export function toInternal(d: NumericDistribution, v: number): number {
  return d.log ? Math.log(v) : v;
}

/** Back from the internal interval: exponentiated, snapped to the step and clipped to [low, high]. */
export function fromInternal(d: NumericDistribution, x: number): number {
  const v = d.log ? Math.exp(x) : x;
  const s = spacing(d);
  if (s === 0) return Math.min(d.high, Math.max(d.low, v));
  const kMax = Math.floor((d.high - d.low) / s + 1e-9);
  const k = Math.min(kMax, Math.max(0, Math.round((v - d.low) / s)));
  return tidy(d, d.low + k * s);
}

/** Ints stay ints; stepped floats lose the 0.30000000000000004 noise. */
function tidy(d: NumericDistribution, v: number): number {
  return d.type === 'int' ? Math.round(v) : Number(v.toPrecision(12));
}

/** One value drawn uniformly (on the log scale for `log`). */
export function sampleUniform(d: Distribution, rng: Rng): ParamValue {
  if (!isNumeric(d)) return d.choices[rng.int(d.choices.length)];
  const [lo, hi] = internalBounds(d);
  return fromInternal(d, lo + (hi - lo) * rng.next());
}

/**
 * How many values a distribution has on a grid, or null for a float without a
 * step. Counted, never enumerated: an int range over 1..1e9 is 1e9 values,
 * computed in constant time (Infinity when the count is not finite).
 */
export function gridCount(d: Distribution): number | null {
  if (!isNumeric(d)) return d.choices.length;
  const s = spacing(d);
  if (s === 0) return null;
  return Math.floor((d.high - d.low) / s + 1e-9) + 1;
}

/** The k-th grid value of a distribution (0-based), or null for a float without a step. */
export function gridValue(d: Distribution, k: number): ParamValue | null {
  if (!isNumeric(d)) return d.choices[k];
  const s = spacing(d);
  return s === 0 ? null : tidy(d, d.low + k * s);
}

/** Grid points of the whole space (the product of the per-parameter counts), or null when some parameter has no grid. */
export function gridSize(space: SearchSpace): number | null {
  let size = 1;
  for (const name of paramNames(space)) {
    const count = gridCount(space[name]);
    if (count === null) return null;
    size *= count;
  }
  return size;
}

/** Grid point `index` (0-based), the last parameter in name order varying fastest. */
export function gridPoint(space: SearchSpace, index: number): TrialParams {
  const names = paramNames(space);
  const out: TrialParams = {};
  let rest = index;
  for (let i = names.length - 1; i >= 0; i--) {
    const d = space[names[i]];
    const count = gridCount(d)!;
    out[names[i]] = gridValue(d, rest % count)!;
    rest = Math.floor(rest / count);
  }
  return Object.fromEntries(names.map((n) => [n, out[n]]));
}

/** Values that exercise a distribution's extremes: low and high, or every choice. Used to validate a space against a model type. */
export function probeValues(d: Distribution): ParamValue[] {
  if (!isNumeric(d)) return [...d.choices];
  return [d.low, spacing(d) === 0 ? d.high : fromInternal(d, toInternal(d, d.high))];
}

/** True when `v` is a value the distribution can produce. */
export function contains(d: Distribution, v: unknown): boolean {
  if (!isNumeric(d)) return d.choices.some((c) => c === v);
  if (typeof v !== 'number' || v < d.low || v > d.high) return false;
  if (d.type === 'int' && !Number.isInteger(v)) return false;
  return true;
}

/**
 * A per-trial generator: the same (seed, trial number) always gives the
 * same stream, wherever and whenever the trial is asked for.
 */
export function trialRng(seed: number, trialNumber: number, salt = 0): Rng {
  return new Rng((seed ^ Math.imul(trialNumber + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77)) >>> 0);
}
