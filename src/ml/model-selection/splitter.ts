import { DataError } from '../base/errors.js';
import type { Params } from '../base/params.js';

/** One split: sample indices to train on and to test on, each ascending. */
export type Fold = [train: Int32Array, test: Int32Array];

/** Group labels for group-aware splitters: numbers or strings, one per sample. */
export type Groups = ArrayLike<number> | readonly string[];

/** The samples to split: their count, or anything with `rows` (a Matrix). */
export type SplitSamples = number | { readonly rows: number };

/**
 * A cross-validation splitter (scikit-learn's `split` protocol).
 * `split` validates its input at once, throwing a DataError naming the
 * problem, and then yields `[trainIdx, testIdx]` pairs lazily.
 */
export interface Splitter {
  /** the class name, e.g. 'KFold', used in messages */
  readonly name: string;
  /**
   * the wire name, e.g. 'k_fold': `createSplitter(s.kind, s.getParams())`
   * rebuilds the splitter, e.g. inside a worker thread
   */
  readonly kind: string;
  /** Number of folds `split` yields. */
  getNSplits(): number;
  /**
   * Yields the folds. `y` is required by stratified splitters and `groups`
   * by group splitters; both must have one entry per sample.
   */
  split(X: SplitSamples, y?: Float64Array, groups?: Groups): IterableIterator<Fold>;
  /** The hyperparameters, plain JSON with scikit-learn names. */
  getParams(): Params;
}

/** Resolves the sample count and checks y and groups against it. */
export function sampleCount(splitter: string, X: SplitSamples, y?: ArrayLike<unknown>, groups?: ArrayLike<unknown>): number {
  const n = typeof X === 'number' ? X : X.rows;
  if (!Number.isInteger(n) || n < 0) throw new DataError(`${splitter}: the number of samples must be a non-negative int; got ${n}`);
  if (y !== undefined && y.length !== n) {
    throw new DataError(`${splitter}: found input variables with inconsistent numbers of samples: X has ${n}, y has ${y.length}`);
  }
  if (groups !== undefined && groups.length !== n) {
    throw new DataError(`${splitter}: found input variables with inconsistent numbers of samples: X has ${n}, groups has ${groups.length}`);
  }
  return n;
}

/** Yields one fold per fold id: test = samples assigned to it, train = the others (both ascending). */
export function* foldsFromAssignment(assignment: Int32Array, nSplits: number): Generator<Fold> {
  const n = assignment.length;
  const sizes = new Int32Array(nSplits);
  for (let i = 0; i < n; i++) sizes[assignment[i]]++;
  for (let f = 0; f < nSplits; f++) {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(n - sizes[f]);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (assignment[i] === f) test[b++] = i;
      else train[a++] = i;
    }
    yield [train, test];
  }
}

/** Sorted distinct labels and each sample's index into them (numpy's `unique(..., return_inverse=True)`). */
export function encodeSorted(
  splitter: string,
  what: string,
  values: ArrayLike<number> | readonly string[],
): { count: number; codes: Int32Array; uniques: (number | string)[] } {
  const n = values.length;
  const seen = new Set<number | string>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isNaN(v)) throw new DataError(`${splitter}: ${what} contains NaN at index ${i}`);
    seen.add(v);
  }
  const uniques = [...seen];
  const numeric = uniques.every((u) => typeof u === 'number');
  if (numeric) (uniques as number[]).sort((a, b) => a - b);
  else if (uniques.every((u) => typeof u === 'string')) (uniques as string[]).sort();
  else throw new DataError(`${splitter}: ${what} mixes numbers and strings`);
  const index = new Map<number | string, number>();
  uniques.forEach((u, k) => index.set(u, k));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(values[i])!;
  return { count: uniques.length, codes, uniques };
}

/** Copies indices into a new ascending Int32Array. */
export function sortedIndices(idx: ArrayLike<number>): Int32Array {
  return Int32Array.from(idx).sort();
}
