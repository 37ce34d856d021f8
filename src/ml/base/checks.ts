import { DataError } from './errors.js';
import type { Matrix } from './matrix.js';

/** Checks X and y agree in length and, unless allowed, that X holds no NaN or Infinity. */
export function checkXY(estimator: string, X: Matrix, y: Float64Array, allowNaN = false): void {
  if (X.rows !== y.length) {
    throw new DataError(`${estimator}: X has ${X.rows} rows but y has ${y.length} values`);
  }
  if (X.rows === 0) throw new DataError(`${estimator}: found an empty dataset (0 rows); at least 1 is required`);
  checkFinite(estimator, X, allowNaN);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new DataError(`${estimator}: the target has a non-finite value at row ${i}`);
  }
}

export function checkFinite(estimator: string, X: Matrix, allowNaN = false): void {
  const d = X.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (!Number.isFinite(v) && !(allowNaN && Number.isNaN(v))) {
      throw new DataError(
        `${estimator}: input contains ${Number.isNaN(v) ? 'NaN' : 'infinity'} at row ${Math.floor(k / X.cols)}, column ${k % X.cols}`,
      );
    }
  }
}

/** Checks predict-time X has as many features as fit saw. */
export function checkFeatureCount(estimator: string, X: Matrix, expected: number): void {
  if (X.cols !== expected) {
    throw new DataError(`${estimator}: X has ${X.cols} features, but ${estimator} was fitted with ${expected} features`);
  }
}
