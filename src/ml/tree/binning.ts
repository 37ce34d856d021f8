import type { Matrix } from '../base/matrix.js';
import { Rng } from '../base/random.js';

/** Rows used to place bin edges; beyond this the quantiles come from a seeded sample (as scikit-learn's HistGradientBoosting does). */
const EDGE_SAMPLE_ROWS = 200_000;

/**
 * Every feature binned once: `codes[f * rows + i]` is the bin of row i in
 * feature f (column-major, so a histogram pass over one feature reads one
 * contiguous column). Value bins of feature f are 0..nBins[f]-1; bin
 * nBins[f] holds the missing values (NaN). Bin b and below go left of a
 * split "at b", which on raw values reads `x <= cuts[f][b]`.
 */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** column-major bin codes; backed by a SharedArrayBuffer when threads read it */
  readonly codes: Uint8Array;
  /** value bins per feature (the missing bin is nBins[f]) */
  readonly nBins: Int32Array;
  /** first histogram slot of feature f; a feature takes nBins[f] + 1 slots */
  readonly offsets: Int32Array;
  /** histogram slots over all features */
  readonly totalBins: number;
  /** raw-value cut between bin b and b + 1 of feature f, ascending */
  readonly cuts: Float64Array[];
  /** whether feature f had any missing value at fit */
  readonly hasMissing: Uint8Array;
}

/** Sorted non-NaN values of column j (from a row sample when X is large). */
function sortedColumn(X: Matrix, j: number, rows: ArrayLike<number> | null): Float64Array {
  const n = rows ? rows.length : X.rows;
  const out = new Float64Array(n);
  const { data, cols } = X;
  let m = 0;
  for (let k = 0; k < n; k++) {
    const v = data[(rows ? rows[k] : k) * cols + j];
    if (v === v) out[m++] = v;
  }
  return out.subarray(0, m).sort();
}

/**
 * Cuts at value boundaries so each bin holds about the same number of
 * values; with at most maxBin distinct values every value gets its own bin.
 * A cut sits midway between neighbouring distinct values.
 */
export function quantileCuts(sorted: Float64Array, maxBin: number): Float64Array {
  const n = sorted.length;
  const cuts: number[] = [];
  if (n === 0) return new Float64Array(0);
  let distinct = 1;
  for (let k = 1; k < n; k++) if (sorted[k] !== sorted[k - 1]) distinct++;
  const step = distinct <= maxBin ? 0 : n / maxBin;
  let next = step;
  for (let k = 0; k < n - 1; k++) {
    const a = sorted[k];
    const b = sorted[k + 1];
    if (a === b) continue;
    if (step === 0 || k + 1 >= next) {
      let mid = a + (b - a) / 2;
      if (!(mid < b) || !Number.isFinite(mid)) mid = a;
      cuts.push(mid);
      if (step > 0) while (next <= k + 1) next += step;
    }
  }
  return Float64Array.from(cuts);
}

/** The bin of value v: the first cut not below v, or the last value bin. */
export function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins every feature of X to at most maxBin value bins plus one missing bin. */
export function binMatrix(X: Matrix, maxBin: number, options: { shared?: boolean; seed?: number } = {}): BinnedMatrix {
  const { rows, cols, data } = X;
  let sample: Int32Array | null = null;
  if (rows > EDGE_SAMPLE_ROWS) {
    const all = new Int32Array(rows);
    for (let i = 0; i < rows; i++) all[i] = i;
    const rng = new Rng(options.seed ?? 0);
    for (let i = 0; i < EDGE_SAMPLE_ROWS; i++) {
      const j = i + rng.int(rows - i);
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    sample = all.subarray(0, EDGE_SAMPLE_ROWS).sort();
  }
  const buffer = options.shared ? new SharedArrayBuffer(rows * cols) : new ArrayBuffer(rows * cols);
  const codes = new Uint8Array(buffer);
  const nBins = new Int32Array(cols);
  const offsets = new Int32Array(cols + 1);
  const hasMissing = new Uint8Array(cols);
  const cuts: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const c = quantileCuts(sortedColumn(X, j, sample), maxBin);
    cuts.push(c);
    const nb = c.length + 1;
    nBins[j] = nb;
    offsets[j + 1] = offsets[j] + nb + 1;
    const base = j * rows;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j];
      if (v !== v) {
        codes[base + i] = nb;
        hasMissing[j] = 1;
      } else {
        codes[base + i] = binOf(c, v);
      }
    }
  }
  return { rows, cols, codes, nBins, offsets, totalBins: offsets[cols], cuts, hasMissing };
}
