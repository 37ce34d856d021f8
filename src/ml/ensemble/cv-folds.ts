import { DataError } from '../base/errors.js';
import { Rng } from '../base/random.js';

/**
 * Fold assignment for stacking's out-of-fold predictions. Unshuffled (seed
 * null) these are exactly scikit-learn's KFold / StratifiedKFold folds, which
 * is what StackingRegressor / StackingClassifier use for an int `cv`; a seed
 * shuffles them reproducibly with our Rng.
 *
 * Returns fold[i] ∈ [0, k): the fold in which sample i is held out.
 */
export function kFoldAssignment(n: number, k: number, seed: number | null): Int32Array {
  if (k > n) throw new DataError(`Cannot have number of splits cv=${k} greater than the number of samples: n_samples=${n}.`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (seed !== null) new Rng(seed).shuffle(order);
  const fold = new Int32Array(n);
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let s = 0; s < size; s++) fold[order[pos++]] = f;
  }
  return fold;
}

/**
 * scikit-learn's StratifiedKFold (>= 0.22): classes numbered by first
 * appearance, per-fold class counts dealt round robin over the sorted labels,
 * each class taking its folds in blocks in data order.
 */
export function stratifiedFoldAssignment(y: Float64Array, k: number, seed: number | null): Int32Array {
  const n = y.length;
  if (k > n) throw new DataError(`Cannot have number of splits cv=${k} greater than the number of samples: n_samples=${n}.`);
  const firstSeen = new Map<number, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = firstSeen.get(y[i]);
    if (c === undefined) firstSeen.set(y[i], (c = firstSeen.size));
    codes[i] = c;
  }
  const nClasses = firstSeen.size;
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < n; i++) counts[codes[i]]++;
  if (counts.every((c) => c < k)) {
    throw new DataError(`n_splits=${k} cannot be greater than the number of members in each class (largest class has ${Math.max(...counts)}).`);
  }
  const allocation = new Int32Array(k * nClasses);
  let pos = 0;
  for (let c = 0; c < nClasses; c++) for (let m = 0; m < counts[c]; m++) allocation[(pos++ % k) * nClasses + c]++;
  const rng = seed === null ? undefined : new Rng(seed);
  const fold = new Int32Array(n);
  for (let c = 0; c < nClasses; c++) {
    const forClass = new Int32Array(counts[c]);
    let q = 0;
    for (let f = 0; f < k; f++) for (let m = 0; m < allocation[f * nClasses + c]; m++) forClass[q++] = f;
    rng?.shuffle(forClass);
    q = 0;
    for (let i = 0; i < n; i++) if (codes[i] === c) fold[i] = forClass[q++];
  }
  return fold;
}

/** Train and test indices (ascending) of fold f. */
export function foldIndices(fold: Int32Array, f: number): [train: Int32Array, test: Int32Array] {
  let nTest = 0;
  for (let i = 0; i < fold.length; i++) if (fold[i] === f) nTest++;
  const train = new Int32Array(fold.length - nTest);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < fold.length; i++) {
    if (fold[i] === f) test[b++] = i;
    else train[a++] = i;
  }
  return [train, test];
}
