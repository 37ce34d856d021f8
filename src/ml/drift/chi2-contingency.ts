import { DataError } from '../base/errors.js';
import { chi2Sf } from './special-functions.js';

/** Options of {@link chi2Contingency}. */
export interface Chi2ContingencyOptions {
  /**
   * Yates' continuity correction when the table has one degree of freedom,
   * as scipy.stats.chi2_contingency applies by default.
   * @defaultValue true
   */
  correction?: boolean;
}

/** Pearson chi-square test of independence on a contingency table. */
export interface Chi2ContingencyResult {
  statistic: number;
  pValue: number;
  dof: number;
  /** expected counts under independence, row-major like the input */
  expected: Float64Array;
}

/**
 * Chi-square test of independence of the rows and columns of an r x c table
 * of counts (row-major), equal to `scipy.stats.chi2_contingency(table)`.
 * Drift uses it on the 2 x k table [reference counts; window counts]: are
 * the two samples drawn from the same category distribution? The p-value is
 * the chi-square survival function, Q(dof/2, chi2/2).
 */
export function chi2Contingency(
  observed: ArrayLike<number>,
  rows: number,
  cols: number,
  options: Chi2ContingencyOptions = {},
): Chi2ContingencyResult {
  const correction = options.correction ?? true;
  if (observed.length !== rows * cols || rows === 0 || cols === 0) {
    throw new DataError(`chi2_contingency: table has ${observed.length} counts, expected ${rows} x ${cols}`);
  }
  const rowSum = new Float64Array(rows);
  const colSum = new Float64Array(cols);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const o = observed[i * cols + j];
      if (!(o >= 0)) throw new DataError('chi2_contingency: All values in `observed` must be nonnegative.');
      rowSum[i] += o;
      colSum[j] += o;
      total += o;
    }
  }
  const expected = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const e = (rowSum[i] * colSum[j]) / total;
      if (!(e > 0)) {
        throw new DataError(
          `chi2_contingency: The internally computed table of expected frequencies has a zero element at (${i}, ${j}).`,
        );
      }
      expected[i * cols + j] = e;
    }
  }
  const dof = rows * cols - rows - cols + 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof, expected };
  let statistic = 0;
  for (let k = 0; k < expected.length; k++) {
    let o = observed[k];
    const e = expected[k];
    if (dof === 1 && correction) {
      const diff = e - o;
      o += Math.min(0.5, Math.abs(diff)) * Math.sign(diff);
    }
    statistic += ((o - e) * (o - e)) / e;
  }
  return { statistic, pValue: chi2Sf(statistic, dof), dof, expected };
}
