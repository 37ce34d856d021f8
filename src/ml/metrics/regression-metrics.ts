import { checkPair } from './check-inputs.js';

/** Mean of (y - p)^2. */
export function meanSquaredError(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('mean_squared_error', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i] - yPred[i];
    s += d * d;
  }
  return s / yTrue.length;
}

/** Square root of the mean squared error (scikit-learn 1.4's `root_mean_squared_error`; 1.2's `squared=False`). */
export function rootMeanSquaredError(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('root_mean_squared_error', yTrue, yPred);
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/** Mean of |y - p|. */
export function meanAbsoluteError(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('mean_absolute_error', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / yTrue.length;
}

/**
 * Mean of |y - p| / max(|y|, eps) with eps = Number.EPSILON, as scikit-learn:
 * a FRACTION (0.1 means 10 %), not a percentage. A y of 0 makes the value
 * huge (about 4.5e15 per unit of error) rather than infinite; the metric
 * registry reports null in that case.
 */
export function meanAbsolutePercentageError(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('mean_absolute_percentage_error', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yPred[i] - yTrue[i]) / Math.max(Math.abs(yTrue[i]), Number.EPSILON);
  return s / yTrue.length;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * scikit-learn's `force_finite` rule shared by R² and explained variance: a
 * zero numerator scores 1 (perfect), a constant y_true with imperfect
 * predictions scores 0 instead of -Infinity.
 */
function assembleScore(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/**
 * Coefficient of determination, 1 - SS_res / SS_tot. NaN with fewer than two
 * samples (scikit-learn warns and returns nan); constant y_true gives 1 or 0
 * (scikit-learn's force_finite).
 */
export function r2Score(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('r2_score', yTrue, yPred);
  if (yTrue.length < 2) return NaN;
  const m = mean(yTrue);
  let num = 0;
  let den = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const r = yTrue[i] - yPred[i];
    const c = yTrue[i] - m;
    num += r * r;
    den += c * c;
  }
  return assembleScore(num, den);
}

/** 1 - Var(y - p) / Var(y): R² that ignores a constant bias in the predictions. */
export function explainedVarianceScore(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('explained_variance_score', yTrue, yPred);
  const n = yTrue.length;
  let diffMean = 0;
  for (let i = 0; i < n; i++) diffMean += yTrue[i] - yPred[i];
  diffMean /= n;
  const m = mean(yTrue);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i] - yPred[i] - diffMean;
    const c = yTrue[i] - m;
    num += r * r;
    den += c * c;
  }
  return assembleScore(num / n, den / n);
}
