import { DataError, ParameterError } from '../base/errors.js';

/**
 * Checks a series is long enough and holds only finite values. `needs`
 * explains the minimum, e.g. "lags=12 needs at least 13 values".
 */
export function checkSeries(estimator: string, y: Float64Array, minLength: number, needs: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) {
      throw new DataError(
        `${estimator}: the series contains ${Number.isNaN(y[i]) ? 'NaN' : 'infinity'} at position ${i}; fill or drop missing values first`,
        { position: i },
      );
    }
  }
  if (y.length < minLength) {
    throw new DataError(`${estimator}: the series has ${y.length} values but ${needs}`, { length: y.length, minLength });
  }
}

/** Multiplicative components divide by the series, so every value must be > 0. */
export function checkPositive(estimator: string, y: Float64Array, component: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] > 0)) {
      throw new DataError(
        `${estimator}: ${component} needs a strictly positive series, but the value at position ${i} is ${y[i]}`,
        { position: i },
      );
    }
  }
}

/** The forecast horizon: an int >= 0. */
export function checkHorizon(estimator: string, horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new ParameterError(`${estimator}: the horizon must be an int >= 0. Got ${JSON.stringify(horizon)} instead.`, 'horizon');
  }
}

/** Copies a saved number array, refusing anything that is not a finite number. */
export function readNumbers(estimator: string, field: string, value: unknown, length?: number): Float64Array {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new DataError(`${estimator}: the saved '${field}' should be an array${length !== undefined ? ` of ${length} numbers` : ''}`);
  }
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(`${estimator}: the saved '${field}' holds a non-finite value at ${i}`);
    out[i] = v;
  }
  return out;
}

/** A saved finite number. */
export function readNumber(estimator: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DataError(`${estimator}: the saved '${field}' should be a finite number`);
  return value;
}
