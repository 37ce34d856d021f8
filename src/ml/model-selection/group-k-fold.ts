import { DataError } from '../base/errors.js';
import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { numpyArgsort } from './numpy-argsort.js';
import { copyParams } from './splitter-params.js';
import { encodeSorted, foldsFromAssignment, sampleCount, type Fold, type Groups, type SplitSamples, type Splitter } from './splitter.js';

/** Hyperparameters of {@link GroupKFold} (scikit-learn names). */
export interface GroupKFoldParams extends Params {
  /** @defaultValue 5 */
  n_splits: number;
}

const DEFAULTS: GroupKFoldParams = { n_splits: 5 };

/**
 * K folds that never split a group: all samples of a group land in the same
 * test fold. Groups go, largest first, to the fold with the fewest samples so
 * far (scikit-learn 1.2's greedy balancing, ties broken as numpy's
 * quicksort argsort breaks them), so the folds are exactly scikit-learn's.
 */
export class GroupKFold implements Splitter {
  readonly name = 'GroupKFold';
  readonly kind = 'group_k_fold';
  private readonly params: GroupKFoldParams;

  constructor(params: Partial<GroupKFoldParams> = {}) {
    const p = withDefaults('GroupKFold', DEFAULTS, params as Params);
    checkNumber('GroupKFold', 'n_splits', p.n_splits, { kind: 'int', min: 2 });
    this.params = p;
  }

  getNSplits(): number {
    return this.params.n_splits;
  }

  getParams(): GroupKFoldParams {
    return copyParams(this.params);
  }

  split(X: SplitSamples, y?: Float64Array, groups?: Groups): IterableIterator<Fold> {
    if (groups === undefined) throw new DataError("GroupKFold: split needs 'groups' (one group label per sample)");
    const n = sampleCount(this.name, X, y, groups);
    const k = this.params.n_splits;
    const { count: nGroups, codes } = encodeSorted(this.name, 'groups', groups);
    if (k > nGroups) {
      throw new DataError(`GroupKFold: cannot have number of splits n_splits=${k} greater than the number of groups: ${nGroups}.`);
    }
    const perGroup = new Float64Array(nGroups);
    for (let i = 0; i < n; i++) perGroup[codes[i]]++;
    const ascending = numpyArgsort(perGroup);
    const foldTotals = new Float64Array(k);
    const groupToFold = new Int32Array(nGroups);
    for (let r = nGroups - 1; r >= 0; r--) {
      const g = ascending[r];
      let lightest = 0;
      for (let f = 1; f < k; f++) if (foldTotals[f] < foldTotals[lightest]) lightest = f;
      foldTotals[lightest] += perGroup[g];
      groupToFold[g] = lightest;
    }
    const assignment = new Int32Array(n);
    for (let i = 0; i < n; i++) assignment[i] = groupToFold[codes[i]];
    return foldsFromAssignment(assignment, k);
  }
}
