import { DataError } from '../base/errors.js';
import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import { checkShuffle, copyParams } from './splitter-params.js';
import { foldsFromAssignment, sampleCount, type Fold, type Groups, type SplitSamples, type Splitter } from './splitter.js';

/** Hyperparameters of {@link StratifiedKFold} (scikit-learn names). */
export interface StratifiedKFoldParams extends Params {
  /** @defaultValue 5 */
  n_splits: number;
  /** Shuffle each class's fold assignment. @defaultValue false */
  shuffle: boolean;
  /** Seed of the shuffle (our Rng, not numpy's); null means 0. Only with shuffle. @defaultValue null */
  random_state: number | null;
}

const DEFAULTS: StratifiedKFoldParams = { n_splits: 5, shuffle: false, random_state: null };

/**
 * K folds that keep each class's share (scikit-learn >= 0.22 algorithm:
 * round-robin allocation over the sorted labels, then each class's samples
 * take their folds in blocks, in data order). Without shuffle the folds are
 * exactly scikit-learn's.
 *
 * Stricter than scikit-learn: EVERY class needs at least n_splits members
 * (scikit-learn only warns unless all classes are that small). Otherwise
 * some test folds would miss a class and some training folds could lack it
 * entirely, which breaks per-fold roc_auc and the model's class list.
 */
export class StratifiedKFold implements Splitter {
  readonly name = 'StratifiedKFold';
  readonly kind = 'stratified_k_fold';
  private readonly params: StratifiedKFoldParams;
  private readonly seed: number;

  constructor(params: Partial<StratifiedKFoldParams> = {}) {
    const p = withDefaults('StratifiedKFold', DEFAULTS, params as Params);
    checkNumber('StratifiedKFold', 'n_splits', p.n_splits, { kind: 'int', min: 2 });
    this.seed = checkShuffle('StratifiedKFold', p.shuffle, p.random_state).seed;
    this.params = p;
  }

  getNSplits(): number {
    return this.params.n_splits;
  }

  getParams(): StratifiedKFoldParams {
    return copyParams(this.params);
  }

  split(X: SplitSamples, y?: Float64Array, groups?: Groups): IterableIterator<Fold> {
    if (y === undefined) throw new DataError('StratifiedKFold: split needs y (the class labels) to stratify on');
    const n = sampleCount(this.name, X, y, groups);
    const k = this.params.n_splits;
    if (k > n) {
      throw new DataError(`StratifiedKFold: cannot have number of splits n_splits=${k} greater than the number of samples: n_samples=${n}.`);
    }
    // classes numbered by first appearance, as scikit-learn does
    const firstSeen = new Map<number, number>();
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) throw new DataError(`StratifiedKFold: y contains a non-finite value at index ${i}`);
      let c = firstSeen.get(y[i]);
      if (c === undefined) {
        c = firstSeen.size;
        firstSeen.set(y[i], c);
      }
      codes[i] = c;
    }
    const nClasses = firstSeen.size;
    const counts = new Int32Array(nClasses);
    for (let i = 0; i < n; i++) counts[codes[i]]++;
    const small = [...firstSeen].filter(([, c]) => counts[c] < k);
    if (small.length > 0) {
      const list = small.map(([label, c]) => `${label} (${counts[c]})`).join(', ');
      throw new DataError(
        `StratifiedKFold: n_splits=${k} is greater than the number of members of ${small.length === 1 ? 'class' : 'classes'} ${list}; ` +
          `every class needs at least n_splits members so that each fold holds it. Use fewer splits, or KFold.`,
        { n_splits: k, classes: small.map(([label, c]) => ({ label, count: counts[c] })) },
      );
    }
    // allocation[f * nClasses + c]: members of class c in test fold f, dealing the sorted labels round robin
    const allocation = new Int32Array(k * nClasses);
    let pos = 0;
    for (let c = 0; c < nClasses; c++) {
      for (let m = 0; m < counts[c]; m++) allocation[(pos++ % k) * nClasses + c]++;
    }
    const rng = this.params.shuffle ? new Rng(this.seed) : undefined;
    const assignment = new Int32Array(n);
    for (let c = 0; c < nClasses; c++) {
      const foldsForClass = new Int32Array(counts[c]);
      let q = 0;
      for (let f = 0; f < k; f++) for (let m = 0; m < allocation[f * nClasses + c]; m++) foldsForClass[q++] = f;
      if (rng) rng.shuffle(foldsForClass);
      q = 0;
      for (let i = 0; i < n; i++) if (codes[i] === c) assignment[i] = foldsForClass[q++];
    }
    return foldsFromAssignment(assignment, k);
  }
}
