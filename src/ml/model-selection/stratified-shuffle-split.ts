import { DataError } from '../base/errors.js';
import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import { checkSize, copyParams, resolveSizes } from './splitter-params.js';
import { encodeSorted, sampleCount, sortedIndices, type Fold, type Groups, type SplitSamples, type Splitter } from './splitter.js';

/** Hyperparameters of {@link StratifiedShuffleSplit} (scikit-learn names). */
export interface StratifiedShuffleSplitParams extends Params {
  /** @defaultValue 10 */
  n_splits: number;
  /** As ShuffleSplit's. @defaultValue null (0.1) */
  test_size: number | null;
  /** As ShuffleSplit's. @defaultValue null */
  train_size: number | null;
  /** Seed of our Rng (not numpy's); null means 0. @defaultValue null */
  random_state: number | null;
}

const DEFAULTS: StratifiedShuffleSplitParams = { n_splits: 10, test_size: null, train_size: null, random_state: null };

/**
 * Share of `nDraws` per class, proportional to the class counts, rounded so
 * they add up (scikit-learn's `_approximate_mode`; ties in the remainders are
 * broken at random).
 */
export function approximateMode(counts: Int32Array, nDraws: number, rng: Rng): Int32Array {
  let total = 0;
  for (let c = 0; c < counts.length; c++) total += counts[c];
  const out = new Int32Array(counts.length);
  const remainder = new Float64Array(counts.length);
  let need = nDraws;
  for (let c = 0; c < counts.length; c++) {
    const exact = (counts[c] / total) * nDraws;
    out[c] = Math.floor(exact);
    remainder[c] = exact - out[c];
    need -= out[c];
  }
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const value of values) {
    if (need <= 0) break;
    const tiedList: number[] = [];
    for (let c = 0; c < remainder.length; c++) if (remainder[c] === value) tiedList.push(c);
    const tied = Int32Array.from(tiedList);
    rng.shuffle(tied);
    const take = Math.min(tied.length, need);
    for (let t = 0; t < take; t++) out[tied[t]]++;
    need -= take;
  }
  return out;
}

/**
 * Random train/test splits that keep each class's share in both sets.
 * Every class needs at least 2 members, and both sets at least one sample
 * per class.
 */
export class StratifiedShuffleSplit implements Splitter {
  readonly name = 'StratifiedShuffleSplit';
  readonly kind = 'stratified_shuffle_split';
  private readonly params: StratifiedShuffleSplitParams;

  constructor(params: Partial<StratifiedShuffleSplitParams> = {}) {
    const p = withDefaults('StratifiedShuffleSplit', DEFAULTS, params as Params);
    checkNumber('StratifiedShuffleSplit', 'n_splits', p.n_splits, { kind: 'int', min: 1 });
    checkSize('StratifiedShuffleSplit', 'test_size', p.test_size);
    checkSize('StratifiedShuffleSplit', 'train_size', p.train_size);
    checkNumber('StratifiedShuffleSplit', 'random_state', p.random_state, { kind: 'int', min: 0, max: 4294967295, nullable: true });
    this.params = p;
  }

  getNSplits(): number {
    return this.params.n_splits;
  }

  getParams(): StratifiedShuffleSplitParams {
    return copyParams(this.params);
  }

  split(X: SplitSamples, y?: Float64Array, groups?: Groups): IterableIterator<Fold> {
    const name = this.name;
    if (y === undefined) throw new DataError(`${name}: split needs y (the class labels) to stratify on`);
    const n = sampleCount(name, X, y, groups);
    const [nTrain, nTest] = resolveSizes(name, n, this.params.test_size, this.params.train_size, 0.1);
    const { count: nClasses, codes, uniques } = encodeSorted(name, 'y', y);
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < n; i++) counts[codes[i]]++;
    const smallest = counts.indexOf(Math.min(...counts));
    if (counts[smallest] < 2) {
      throw new DataError(
        `${name}: the least populated class in y (${uniques[smallest]}) has only 1 member, which is too few. The minimum number of members for any class cannot be less than 2.`,
      );
    }
    if (nTrain < nClasses) throw new DataError(`${name}: the train_size = ${nTrain} should be greater or equal to the number of classes = ${nClasses}`);
    if (nTest < nClasses) throw new DataError(`${name}: the test_size = ${nTest} should be greater or equal to the number of classes = ${nClasses}`);
    const members: Int32Array[] = [];
    for (let c = 0; c < nClasses; c++) members.push(new Int32Array(counts[c]));
    const fill = new Int32Array(nClasses);
    for (let i = 0; i < n; i++) members[codes[i]][fill[codes[i]]++] = i;
    const rng = new Rng(this.params.random_state ?? 0);
    const k = this.params.n_splits;
    return (function* () {
      for (let s = 0; s < k; s++) {
        const trainPer = approximateMode(counts, nTrain, rng);
        const left = counts.map((c, j) => c - trainPer[j]);
        const testPer = approximateMode(left, nTest, rng);
        const train: number[] = [];
        const test: number[] = [];
        for (let c = 0; c < nClasses; c++) {
          const perm = rng.shuffle(Int32Array.from(members[c]));
          for (let t = 0; t < trainPer[c]; t++) train.push(perm[t]);
          for (let t = trainPer[c]; t < trainPer[c] + testPer[c]; t++) test.push(perm[t]);
        }
        yield [sortedIndices(train), sortedIndices(test)] as Fold;
      }
    })();
  }
}
