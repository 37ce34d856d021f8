import { DataError } from '../base/errors.js';
import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import { checkShuffle, copyParams } from './splitter-params.js';
import { foldsFromAssignment, sampleCount, type Fold, type SplitSamples, type Splitter } from './splitter.js';

/** Hyperparameters of {@link KFold} (scikit-learn names). */
export interface KFoldParams extends Params {
  /** @defaultValue 5 */
  n_splits: number;
  /** Shuffle the samples before cutting the folds. @defaultValue false */
  shuffle: boolean;
  /** Seed of the shuffle (our Rng, not numpy's); null means 0. Only with shuffle. @defaultValue null */
  random_state: number | null;
}

const DEFAULTS: KFoldParams = { n_splits: 5, shuffle: false, random_state: null };

/**
 * K consecutive folds; each serves once as the test set. The first
 * `n % n_splits` folds hold one sample more. Without shuffle the folds are
 * exactly scikit-learn's.
 */
export class KFold implements Splitter {
  readonly name = 'KFold';
  readonly kind = 'k_fold';
  private readonly params: KFoldParams;
  private readonly seed: number;

  constructor(params: Partial<KFoldParams> = {}) {
    const p = withDefaults('KFold', DEFAULTS, params as Params);
    checkNumber('KFold', 'n_splits', p.n_splits, { kind: 'int', min: 2 });
    this.seed = checkShuffle('KFold', p.shuffle, p.random_state).seed;
    this.params = p;
  }

  getNSplits(): number {
    return this.params.n_splits;
  }

  getParams(): KFoldParams {
    return copyParams(this.params);
  }

  split(X: SplitSamples): IterableIterator<Fold> {
    const n = sampleCount(this.name, X);
    const k = this.params.n_splits;
    if (k > n) {
      throw new DataError(`KFold: cannot have number of splits n_splits=${k} greater than the number of samples: n_samples=${n}.`);
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.params.shuffle) new Rng(this.seed).shuffle(order);
    const assignment = new Int32Array(n);
    const base = Math.floor(n / k);
    let pos = 0;
    for (let f = 0; f < k; f++) {
      const size = base + (f < n % k ? 1 : 0);
      for (let s = 0; s < size; s++) assignment[order[pos++]] = f;
    }
    return foldsFromAssignment(assignment, k);
  }
}
