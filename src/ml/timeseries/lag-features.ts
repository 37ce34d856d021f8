import type { Matrix } from '../base/matrix.js';

/** Which features describe the past of the series at each time step. */
export interface LagFeatureSpec {
  /** y_{t-1} .. y_{t-lags} */
  lags: number;
  /** mean and sample standard deviation (ddof 1, as pandas) of the last w values, per window w >= 2 */
  windows: readonly number[];
  /** add t itself (0 at the first value) */
  timeIndex: boolean;
}

/** How many past values one feature row needs. */
export function lagHistory(spec: LagFeatureSpec): number {
  return Math.max(spec.lags, ...spec.windows);
}

export function lagFeatureCount(spec: LagFeatureSpec): number {
  return spec.lags + 2 * spec.windows.length + (spec.timeIndex ? 1 : 0);
}

/**
 * Writes the features for predicting the value at `pos` of `values` (which
 * holds at least lagHistory(spec) values before it) into `row`; `t` is the
 * time index of that value.
 */
export function writeLagFeatures(spec: LagFeatureSpec, values: Float64Array, pos: number, t: number, row: Float64Array): void {
  let j = 0;
  for (let k = 1; k <= spec.lags; k++) row[j++] = values[pos - k];
  for (const w of spec.windows) {
    let mean = 0;
    for (let k = 1; k <= w; k++) mean += values[pos - k];
    mean /= w;
    let ss = 0;
    for (let k = 1; k <= w; k++) ss += (values[pos - k] - mean) ** 2;
    row[j++] = mean;
    row[j++] = Math.sqrt(ss / (w - 1));
  }
  if (spec.timeIndex) row[j++] = t;
}

/** The supervised table: one row per value that has a full history, targets the values themselves. */
export function lagMatrix(spec: LagFeatureSpec, y: Float64Array): { X: Matrix; target: Float64Array } {
  const start = lagHistory(spec);
  const cols = lagFeatureCount(spec);
  const rows = y.length - start;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) writeLagFeatures(spec, y, start + r, start + r, data.subarray(r * cols, (r + 1) * cols));
  return { X: { rows, cols, data }, target: y.slice(start) };
}
