import { DataError, ParameterError } from '../base/errors.js';
import { checkFiniteVector, checkPair } from './check-inputs.js';

/** Options of {@link meanAbsoluteScaledError}. */
export interface MaseOptions {
  /**
   * Seasonal period m of the naive forecast that sets the scale (1: the
   * previous value; 12: the same month last year).
   * @defaultValue 1
   */
  seasonalPeriod?: number;
}

/**
 * Symmetric MAPE in PERCENT, range [0, 200]:
 * `100 / n * sum(2 |y - p| / (|y| + |p|))` (the M3/M4 competition form).
 * A term with y = p = 0 counts as 0. scikit-learn has no smape; note its
 * `mape` is a fraction while this is a percentage.
 */
export function symmetricMeanAbsolutePercentageError(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('symmetric_mean_absolute_percentage_error', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const den = Math.abs(yTrue[i]) + Math.abs(yPred[i]);
    if (den > 0) s += (2 * Math.abs(yTrue[i] - yPred[i])) / den;
  }
  return (100 * s) / yTrue.length;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): the forecast's MAE
 * divided by the in-sample MAE of the seasonal naive forecast on the training
 * series, `mean(|yTrain[t] - yTrain[t - m]|)` for t = m..n-1. Below 1 beats
 * the naive forecast. A constant training series makes the scale 0 and the
 * result Infinity (or NaN for a perfect forecast); the metric registry
 * reports null then.
 */
export function meanAbsoluteScaledError(
  yTrue: Float64Array,
  yPred: Float64Array,
  yTrain: Float64Array,
  options: MaseOptions = {},
): number {
  const metric = 'mean_absolute_scaled_error';
  checkPair(metric, yTrue, yPred);
  const m = options.seasonalPeriod ?? 1;
  if (!Number.isInteger(m) || m < 1) {
    throw new ParameterError(`${metric}: the seasonal period must be an int >= 1. Got ${JSON.stringify(m)} instead.`, 'seasonal_period');
  }
  checkFiniteVector(metric, 'y_train', yTrain);
  if (yTrain.length <= m) {
    throw new DataError(`${metric}: the training series has ${yTrain.length} values; the naive scale with seasonal period ${m} needs at least ${m + 1}`);
  }
  let scale = 0;
  for (let t = m; t < yTrain.length; t++) scale += Math.abs(yTrain[t] - yTrain[t - m]);
  scale /= yTrain.length - m;
  let mae = 0;
  for (let i = 0; i < yTrue.length; i++) mae += Math.abs(yTrue[i] - yPred[i]);
  mae /= yTrue.length;
  return mae / scale;
}
