import { DataError } from '../base/errors.js';
import { checkNumber } from '../base/params.js';
import { reservoirSample } from './reservoir-sample.js';
import { quantileSorted, upperBound } from './sorted-quantile.js';

/** Default cap on the reference sample kept for KS and Wasserstein. */
export const DEFAULT_SAMPLE_SIZE = 10_000;

/** Options of {@link numericProfile}. */
export interface NumericProfileOptions {
  /**
   * Number of quantile bins asked for; tied data can give fewer (edges are deduplicated).
   * @defaultValue 10
   */
  bins?: number;
  /**
   * Most non-missing values kept in `sample` for KS and Wasserstein. While the
   * reference has no more non-missing values than this, the sample is the
   * whole reference and both tests are exact; past it they are computed
   * against a seeded uniform reservoir sample of this size.
   * @defaultValue 10000
   */
  sampleSize?: number;
  /**
   * Seed of the reservoir sample.
   * @defaultValue 0
   */
  seed?: number;
}

/** Summary statistics of the non-missing values; null when there are none. */
export interface NumericSummary {
  mean: number | null;
  /** population standard deviation (ddof = 0, NumPy's default) */
  std: number | null;
  min: number | null;
  max: number | null;
  p05: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

/**
 * Reference profile of one numeric feature, plain JSON (no NaN, no nested
 * arrays) so it can be stored beside a model version.
 */
export interface NumericProfile {
  kind: 'numeric';
  /** rows seen, missing ones included */
  count: number;
  missing_count: number;
  missing_fraction: number;
  /** bins asked for */
  bins: number;
  /**
   * Ascending cut points: the distinct interior quantiles k/bins (k = 1..bins-1,
   * NumPy 'linear') of the non-missing values. Bin i is (e[i-1], e[i]], with
   * (-inf, e[0]] first and (e[last], +inf) last, so there are edges.length + 1
   * bins and values outside the reference range land in the end bins.
   */
  bin_edges: number[];
  /** fraction of all rows (missing included) in each bin; with missing_fraction they sum to 1 */
  bin_fractions: number[];
  summary: NumericSummary;
  /** ascending reference sample of non-missing values for KS and Wasserstein */
  sample: number[];
  /** true when `sample` holds every non-missing reference value (KS and Wasserstein are then exact) */
  sample_exact: boolean;
  sample_seed: number;
}

/** Non-missing values, ascending, and the missing count; refuses infinities. */
export function splitMissing(what: string, values: ArrayLike<number>): { sorted: Float64Array; missing: number; finite: Float64Array } {
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) missing++;
    else if (!Number.isFinite(v)) throw new DataError(`${what}: contains infinity at index ${i}`);
  }
  const finite = new Float64Array(values.length - missing);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) finite[k++] = values[i];
  return { sorted: finite.slice().sort(), missing, finite };
}

/** Counts per bin (edges as in {@link NumericProfile}) of ascending values. */
export function binCountsSorted(sorted: Float64Array, edges: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  let below = 0;
  for (let e = 0; e < edges.length; e++) {
    const upTo = upperBound(sorted, edges[e]);
    counts[e] = upTo - below;
    below = upTo;
  }
  counts[edges.length] = sorted.length - below;
  return counts;
}

/**
 * Profiles a numeric reference column (NaN = missing): quantile bin edges and
 * the reference fraction in each bin (for PSI and Jensen-Shannon), summary
 * statistics, and a bounded sorted sample (for KS and Wasserstein).
 */
export function numericProfile(values: ArrayLike<number>, options: NumericProfileOptions = {}): NumericProfile {
  const bins = checkNumber('numericProfile', 'bins', options.bins ?? 10, { kind: 'int', min: 2 });
  const sampleSize = checkNumber('numericProfile', 'sample_size', options.sampleSize ?? DEFAULT_SAMPLE_SIZE, { kind: 'int', min: 1 });
  const seed = checkNumber('numericProfile', 'seed', options.seed ?? 0, { kind: 'int', min: 0 });
  const { sorted, missing, finite } = splitMissing('numericProfile', values);
  const count = values.length;
  const n = sorted.length;

  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const q = quantileSorted(sorted, k / bins);
    if (n > 0 && (edges.length === 0 || q > edges[edges.length - 1])) edges.push(q);
  }
  const binCounts = binCountsSorted(sorted, edges);
  const frac = (c: number): number => (count === 0 ? 0 : c / count);

  let summary: NumericSummary;
  if (n === 0) {
    summary = { mean: null, std: null, min: null, max: null, p05: null, p25: null, p50: null, p75: null, p95: null };
  } else {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += finite[i];
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (finite[i] - mean) ** 2;
    summary = {
      mean,
      std: Math.sqrt(ss / n),
      min: sorted[0],
      max: sorted[n - 1],
      p05: quantileSorted(sorted, 0.05),
      p25: quantileSorted(sorted, 0.25),
      p50: quantileSorted(sorted, 0.5),
      p75: quantileSorted(sorted, 0.75),
      p95: quantileSorted(sorted, 0.95),
    };
  }
  const sample = n <= sampleSize ? sorted : reservoirSample(finite, sampleSize, seed).sort();
  return {
    kind: 'numeric',
    count,
    missing_count: missing,
    missing_fraction: frac(missing),
    bins,
    bin_edges: edges,
    bin_fractions: Array.from(binCounts, frac),
    summary,
    sample: Array.from(sample),
    sample_exact: n <= sampleSize,
    sample_seed: seed,
  };
}
