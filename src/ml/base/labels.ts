import { DataError } from './errors.js';

/** Sorted unique labels and each row's index into them. */
export interface EncodedLabels {
  classes: Float64Array;
  codes: Int32Array;
}

/** Encodes numeric class labels as 0..k-1 (classes sorted ascending). */
export function encodeLabels(y: Float64Array, estimator = 'classifier', minClasses = 2): EncodedLabels {
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i])) throw new DataError(`${estimator}: the target contains NaN at row ${i}`);
    seen.add(y[i]);
  }
  const classes = Float64Array.from(seen).sort();
  if (classes.length < minClasses) {
    throw new DataError(
      `${estimator} needs samples of at least ${minClasses} classes in the data, but the data contains only one class: ${classes[0]}`,
    );
  }
  const index = new Map<number, number>();
  classes.forEach((c, i) => index.set(c, i));
  const codes = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) codes[i] = index.get(y[i])!;
  return { classes, codes };
}
