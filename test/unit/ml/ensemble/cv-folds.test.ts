import { expect } from 'chai';
import { DataError } from '../../../../src/ml/base/errors.js';
import { foldIndices, kFoldAssignment, stratifiedFoldAssignment } from '../../../../src/ml/ensemble/cv-folds.js';
import { ensembleFixture } from './ensemble-fixtures.js';

describe('stacking folds', () => {
  it("match scikit-learn's KFold and StratifiedKFold when not shuffled", () => {
    const { y, k, kfold, stratified } = ensembleFixture().folds;
    expect(Array.from(kFoldAssignment(y.length, k, null))).to.deep.equal(kfold);
    expect(Array.from(stratifiedFoldAssignment(Float64Array.from(y), k, null))).to.deep.equal(stratified);
  });

  it('shuffle reproducibly with a seed and keep the fold sizes', () => {
    const a = kFoldAssignment(23, 4, 5);
    expect(Array.from(a)).to.deep.equal(Array.from(kFoldAssignment(23, 4, 5)));
    expect(Array.from(a)).to.not.deep.equal(Array.from(kFoldAssignment(23, 4, null)));
    const sizes = [0, 0, 0, 0];
    a.forEach((f) => sizes[f]++);
    expect(sizes).to.deep.equal([6, 6, 6, 5]);
  });

  it('keep class shares when shuffled with a seed', () => {
    const y = Float64Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1));
    const fold = stratifiedFoldAssignment(y, 5, 9);
    for (let f = 0; f < 5; f++) {
      const [, test] = foldIndices(fold, f);
      expect(Array.from(test).filter((i) => y[i] === 1).length).to.equal(2);
    }
  });

  it('split into disjoint test sets that cover every sample', () => {
    const fold = kFoldAssignment(10, 3, null);
    const seen: number[] = [];
    for (let f = 0; f < 3; f++) {
      const [train, test] = foldIndices(fold, f);
      expect(train.length + test.length).to.equal(10);
      seen.push(...test);
    }
    expect(seen.sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reject more folds than samples, or than members of every class', () => {
    expect(() => kFoldAssignment(3, 5, null)).to.throw(DataError, /cv=5/);
    expect(() => stratifiedFoldAssignment(Float64Array.from([0, 0, 1, 1, 2, 2]), 3, null)).to.throw(DataError, /n_splits=3/);
  });
});
