import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import { checkSize, copyParams, resolveSizes } from './splitter-params.js';
import { sampleCount, sortedIndices, type Fold, type SplitSamples, type Splitter } from './splitter.js';

/** Hyperparameters of {@link ShuffleSplit} (scikit-learn names). */
export interface ShuffleSplitParams extends Params {
  /** @defaultValue 10 */
  n_splits: number;
  /** Test samples: an int >= 1 is a count, a number in (0, 1) a fraction; null means the rest after train_size, or 0.1. @defaultValue null */
  test_size: number | null;
  /** Train samples, as test_size; null means all the others. @defaultValue null */
  train_size: number | null;
  /** Seed of our Rng (not numpy's); null means 0. @defaultValue null */
  random_state: number | null;
}

const DEFAULTS: ShuffleSplitParams = { n_splits: 10, test_size: null, train_size: null, random_state: null };

/**
 * Independent random train/test splits (test sizes round up, train sizes
 * down, as scikit-learn). Same seed, same splits; not numpy's permutations.
 * Indices in each fold are ascending.
 */
export class ShuffleSplit implements Splitter {
  readonly name = 'ShuffleSplit';
  readonly kind = 'shuffle_split';
  private readonly params: ShuffleSplitParams;

  constructor(params: Partial<ShuffleSplitParams> = {}) {
    const p = withDefaults('ShuffleSplit', DEFAULTS, params as Params);
    checkNumber('ShuffleSplit', 'n_splits', p.n_splits, { kind: 'int', min: 1 });
    checkSize('ShuffleSplit', 'test_size', p.test_size);
    checkSize('ShuffleSplit', 'train_size', p.train_size);
    checkNumber('ShuffleSplit', 'random_state', p.random_state, { kind: 'int', min: 0, max: 4294967295, nullable: true });
    this.params = p;
  }

  getNSplits(): number {
    return this.params.n_splits;
  }

  getParams(): ShuffleSplitParams {
    return copyParams(this.params);
  }

  split(X: SplitSamples): IterableIterator<Fold> {
    const n = sampleCount(this.name, X);
    const [nTrain, nTest] = resolveSizes(this.name, n, this.params.test_size, this.params.train_size, 0.1);
    const rng = new Rng(this.params.random_state ?? 0);
    const k = this.params.n_splits;
    return (function* () {
      const perm = new Int32Array(n);
      for (let s = 0; s < k; s++) {
        for (let i = 0; i < n; i++) perm[i] = i;
        rng.shuffle(perm);
        yield [sortedIndices(perm.subarray(nTest, nTest + nTrain)), sortedIndices(perm.subarray(0, nTest))] as Fold;
      }
    })();
  }
}
