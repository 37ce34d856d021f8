/**
 * Sums per-bin gradient statistics for features `features[from..to)` over
 * `m` rows: row k of the node is `rows[start + k]` (or `start + k` when
 * `rows` is null, the whole-matrix root) and its (g, h) pair sits at
 * `ordered[2k], ordered[2k + 1]`. `codes` is the column-major binned
 * matrix with `n` rows; feature f's bins start at slot `offsets[f]` of
 * `hist`, which holds (sum g, sum h) pairs. Clears those slots first.
 * Features go four at a time so that each row's index and gradient pair
 * are loaded once per four columns. Shared by the fitting thread and its
 * helper threads, each taking a range of features.
 */
export function accumulateHistogram(
  codes: Uint8Array,
  n: number,
  offsets: Int32Array,
  features: Int32Array,
  from: number,
  to: number,
  rows: Int32Array | null,
  start: number,
  m: number,
  ordered: Float64Array,
  hist: Float64Array,
): void {
  for (let fi = from; fi < to; fi++) {
    const f = features[fi];
    hist.fill(0, offsets[f] << 1, offsets[f + 1] << 1);
  }
  let fi = from;
  for (; fi + 4 <= to; fi += 4) {
    const f0 = features[fi];
    const f1 = features[fi + 1];
    const f2 = features[fi + 2];
    const f3 = features[fi + 3];
    const c0 = f0 * n;
    const c1 = f1 * n;
    const c2 = f2 * n;
    const c3 = f3 * n;
    const b0 = offsets[f0] << 1;
    const b1 = offsets[f1] << 1;
    const b2 = offsets[f2] << 1;
    const b3 = offsets[f3] << 1;
    if (rows) {
      for (let k = 0; k < m; k++) {
        const r = rows[start + k];
        const gg = ordered[2 * k];
        const hh = ordered[2 * k + 1];
        let b = b0 + (codes[c0 + r] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
        b = b1 + (codes[c1 + r] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
        b = b2 + (codes[c2 + r] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
        b = b3 + (codes[c3 + r] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
      }
    } else {
      const s0 = c0 + start;
      const s1 = c1 + start;
      const s2 = c2 + start;
      const s3 = c3 + start;
      for (let k = 0; k < m; k++) {
        const gg = ordered[2 * k];
        const hh = ordered[2 * k + 1];
        let b = b0 + (codes[s0 + k] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
        b = b1 + (codes[s1 + k] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
        b = b2 + (codes[s2 + k] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
        b = b3 + (codes[s3 + k] << 1);
        hist[b] += gg;
        hist[b + 1] += hh;
      }
    }
  }
  for (; fi < to; fi++) {
    const f = features[fi];
    const col = f * n;
    const base = offsets[f] << 1;
    if (rows) {
      for (let k = 0; k < m; k++) {
        const b = base + (codes[col + rows[start + k]] << 1);
        hist[b] += ordered[2 * k];
        hist[b + 1] += ordered[2 * k + 1];
      }
    } else {
      const s = col + start;
      for (let k = 0; k < m; k++) {
        const b = base + (codes[s + k] << 1);
        hist[b] += ordered[2 * k];
        hist[b + 1] += ordered[2 * k + 1];
      }
    }
  }
}
