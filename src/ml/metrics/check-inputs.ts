import { DataError } from '../base/errors.js';

/**
 * Shared argument checks for the metric functions. Metric errors are
 * DataErrors whose message starts with the metric's scikit-learn name, so a
 * failed evaluation says which metric choked on what.
 */

/** Throws unless both vectors are non-empty and equally long. */
export function checkSameLength(metric: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, predName = 'y_pred'): void {
  if (yTrue.length !== yPred.length) {
    throw new DataError(
      `${metric}: found input variables with inconsistent numbers of samples: y_true has ${yTrue.length}, ${predName} has ${yPred.length}`,
    );
  }
  if (yTrue.length === 0) throw new DataError(`${metric}: found empty input (0 samples); at least 1 is required`);
}

/** Throws on the first NaN or infinity, naming the array and the index. */
export function checkFiniteVector(metric: string, name: string, v: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new DataError(`${metric}: ${name} contains ${Number.isNaN(v[i]) ? 'NaN' : 'infinity'} at index ${i}`);
    }
  }
}

/** Checks a pair of label or value vectors: same non-zero length, all finite. */
export function checkPair(metric: string, yTrue: Float64Array, yPred: Float64Array, predName = 'y_pred'): void {
  checkSameLength(metric, yTrue, yPred, predName);
  checkFiniteVector(metric, 'y_true', yTrue);
  checkFiniteVector(metric, predName, yPred);
}

/** Sorted distinct values of one or more label vectors (scikit-learn's `unique_labels`). */
export function uniqueLabels(...ys: ArrayLike<number>[]): Float64Array {
  const seen = new Set<number>();
  for (const y of ys) for (let i = 0; i < y.length; i++) seen.add(y[i]);
  return Float64Array.from(seen).sort();
}

/** Maps each label to its position in `labels`; entries absent from `labels` get -1. */
export function encodeAgainst(y: ArrayLike<number>, labels: Float64Array): Int32Array {
  const index = new Map<number, number>();
  labels.forEach((c, k) => index.set(c, k));
  const codes = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) codes[i] = index.get(y[i]) ?? -1;
  return codes;
}

/** Formats labels the way error messages list them: `[0, 1, 2]`. */
export function formatLabels(labels: ArrayLike<number>): string {
  return `[${Array.from(labels).join(', ')}]`;
}
