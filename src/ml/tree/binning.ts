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

/**
 * Sorts doubles (no NaN) ascending, in place, several times faster than
 * TypedArray.prototype.sort on large columns: an LSD radix sort (three
 * 11-bit passes) on the high 32 bits of each value's order-preserving bit
 * pattern, which leaves only values that agree in those bits (within about
 * one part in a million of each other) possibly out of order; a final
 * insertion sort, linear on such nearly sorted data, finishes the job.
 */
export function sortFloat64(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < 1024) return a.sort();
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  let srcWords: Uint32Array = words;
  let dstWords: Uint32Array = new Uint32Array(dst.buffer);
  const counts = new Int32Array(3 * 2048);
  // order-preserving key of the high word: negatives have all bits flipped, the rest the sign bit
  const key = (h: number): number => (h >>> 31 ? ~h : h ^ 0x80000000) >>> 0;
  for (let i = 0; i < n; i++) {
    const k = key(words[2 * i + 1]);
    counts[k & 2047]++;
    counts[2048 + ((k >>> 11) & 2047)]++;
    counts[4096 + (k >>> 22)]++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    // a digit shared by every value leaves the order as it is
    let skip = false;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[base + d];
      if (c === n) skip = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (skip) continue;
    for (let i = 0; i < n; i++) {
      const d = (key(srcWords[2 * i + 1]) >>> shift) & 2047;
      dst[counts[base + d]++] = src[i];
    }
    const t = src;
    src = dst;
    dst = t;
    const tw = srcWords;
    srcWords = dstWords;
    dstWords = tw;
  }
  if (src !== a) a.set(src);
  for (let i = 1; i < n; i++) {
    const v = a[i];
    if (!(a[i - 1] > v)) continue;
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a;
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

/** Columns binned together: copied out of the row-major data in one pass, so no step strides across rows. */
const BIN_BLOCK = 8;

/**
 * The work of binning a matrix, in arrays one thread or several fill:
 * threads claim blocks of BIN_BLOCK columns. Every array sits in a
 * SharedArrayBuffer when threads share the job.
 */
export interface BinJob {
  data: Float64Array;
  rows: number;
  cols: number;
  maxBin: number;
  /** rows the bin edges come from, or null for all */
  sample: Int32Array | null;
  codes: Uint8Array;
  /** cuts of column j at `cuts[j * 255 ..]`, `nCuts[j]` of them */
  cuts: Float64Array;
  nCuts: Int32Array;
  hasMissing: Uint8Array;
  /** [next block to claim, blocks finished, a helper failed] */
  counters: Int32Array;
}

export function binBlockCount(cols: number): number {
  return Math.ceil(cols / BIN_BLOCK);
}

/**
 * Sets up the binning of X; with `shared` the outputs live in shared memory,
 * and with `shareInput` X's values are copied there too (for helper threads).
 */
export function createBinJob(X: Matrix, maxBin: number, seed: number, shared: boolean, shareInput = false): BinJob {
  const { rows, cols } = X;
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  let sample: Int32Array | null = null;
  if (rows > EDGE_SAMPLE_ROWS) {
    const all = new Int32Array(rows);
    for (let i = 0; i < rows; i++) all[i] = i;
    const rng = new Rng(seed);
    for (let i = 0; i < EDGE_SAMPLE_ROWS; i++) {
      const j = i + rng.int(rows - i);
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    sample = new Int32Array(alloc(EDGE_SAMPLE_ROWS * 4));
    sample.set(all.subarray(0, EDGE_SAMPLE_ROWS).sort());
  }
  let data = X.data;
  if (shareInput && !(data.buffer instanceof SharedArrayBuffer)) {
    data = new Float64Array(alloc(X.data.length * 8));
    data.set(X.data);
  }
  return {
    data,
    rows,
    cols,
    maxBin,
    sample,
    codes: new Uint8Array(alloc(rows * cols)),
    cuts: new Float64Array(alloc(cols * 255 * 8)),
    nCuts: new Int32Array(alloc(cols * 4)),
    hasMissing: new Uint8Array(alloc(cols)),
    counters: new Int32Array(alloc(12)),
  };
}

/**
 * Bins column blocks claimed from `job.counters[0]` until none are left,
 * counting finished blocks in `job.counters[1]`. The fitting thread and
 * its helper threads all run this.
 */
export function binClaimedBlocks(job: BinJob): void {
  const { rows, cols, data, sample, codes, hasMissing, maxBin, counters } = job;
  const nBlocks = binBlockCount(cols);
  const block: Float64Array[] = [];
  for (let b = 0; b < Math.min(BIN_BLOCK, cols); b++) block.push(new Float64Array(rows));
  const sortBuf = new Float64Array(sample ? sample.length : rows);
  const pad = new Float64Array(256);
  for (;;) {
    const claimed = Atomics.add(counters, 0, 1);
    if (claimed >= nBlocks) return;
    const j0 = claimed * BIN_BLOCK;
    const width = Math.min(BIN_BLOCK, cols - j0);
    for (let i = 0, o = j0; i < rows; i++, o += cols) {
      for (let b = 0; b < width; b++) block[b][i] = data[o + b];
    }
    for (let b = 0; b < width; b++) {
      const j = j0 + b;
      const column = block[b];
      let m = 0;
      if (sample) {
        for (let k = 0; k < sample.length; k++) {
          const v = column[sample[k]];
          if (v === v) sortBuf[m++] = v;
        }
      } else {
        for (let i = 0; i < rows; i++) {
          const v = column[i];
          if (v === v) sortBuf[m++] = v;
        }
      }
      const c = quantileCuts(sortFloat64(sortBuf.subarray(0, m)), maxBin);
      job.cuts.set(c, j * 255);
      job.nCuts[j] = c.length;
      const nb = c.length + 1;
      const base = j * rows;
      // branch-free search over the cuts padded to 256 with +Infinity: the
      // bin is the count of cuts below v, found in 8 halving steps
      pad.fill(Infinity);
      pad.set(c);
      let missing = 0;
      for (let i = 0; i < rows; i++) {
        const v = column[i];
        if (v !== v) {
          codes[base + i] = nb;
          missing = 1;
        } else {
          let q = +(pad[127] < v) << 7;
          q += +(pad[q + 63] < v) << 6;
          q += +(pad[q + 31] < v) << 5;
          q += +(pad[q + 15] < v) << 4;
          q += +(pad[q + 7] < v) << 3;
          q += +(pad[q + 3] < v) << 2;
          q += +(pad[q + 1] < v) << 1;
          q += +(pad[q] < v);
          codes[base + i] = q;
        }
      }
      hasMissing[j] = missing;
    }
    Atomics.add(counters, 1, 1);
    Atomics.notify(counters, 1);
  }
}

/** The BinnedMatrix of a finished job. */
export function finishBinJob(job: BinJob): BinnedMatrix {
  const { rows, cols } = job;
  const nBins = new Int32Array(cols);
  const offsets = new Int32Array(cols + 1);
  const cuts: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const c = job.cuts.slice(j * 255, j * 255 + job.nCuts[j]);
    cuts.push(c);
    nBins[j] = c.length + 1;
    offsets[j + 1] = offsets[j] + c.length + 2;
  }
  return { rows, cols, codes: job.codes, nBins, offsets, totalBins: offsets[cols], cuts, hasMissing: Uint8Array.from(job.hasMissing) };
}

/** Bins every feature of X to at most maxBin value bins plus one missing bin, on this thread. */
export function binMatrix(X: Matrix, maxBin: number, options: { shared?: boolean; seed?: number } = {}): BinnedMatrix {
  const job = createBinJob(X, maxBin, options.seed ?? 0, options.shared ?? false);
  binClaimedBlocks(job);
  return finishBinJob(job);
}
