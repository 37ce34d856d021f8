import { expect } from 'chai';
import { ParameterError } from '../../../../src/ml/base/errors.js';
import type { EstimatorJSON } from '../../../../src/ml/base/estimator.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../../../src/ml/tree/decision-tree.js';
import { column, matrix, reference, vector } from './tree-fixtures.js';

describe('DecisionTree', () => {
  const ref = reference.decision_tree;
  const X = matrix(ref.X);
  const grid = matrix(ref.X_grid);

  it('makes the same depth-3 classification tree as scikit-learn on integer features', () => {
    const model = new DecisionTreeClassifier({ max_depth: 3 }).fit(X, vector(ref.y_class));
    const p = column(model.predictProba(grid), 1);
    const expected = vector(ref.proba);
    for (let i = 0; i < expected.length; i++) expect(p[i]).to.be.closeTo(expected[i], 1e-12);
  });

  it('makes the same depth-3 regression tree as scikit-learn on integer features', () => {
    const model = new DecisionTreeRegressor({ max_depth: 3 }).fit(X, vector(ref.y_reg));
    const pred = model.predict(grid);
    const expected = vector(ref.regression);
    for (let i = 0; i < expected.length; i++) expect(pred[i]).to.be.closeTo(expected[i], 1e-9);
  });

  it('splits between neighbouring values, as scikit-learn does', () => {
    const model = new DecisionTreeRegressor().fit(fromRows([[1], [2], [3], [4]]), Float64Array.from([0, 0, 5, 5]));
    const trees = (model.toJSON().state as { trees: { threshold: number[]; feature: number[] } }).trees;
    expect(trees.feature[0]).to.equal(0);
    expect(trees.threshold[0]).to.equal(2.5);
    expect(Array.from(model.predict(fromRows([[2.4], [2.6]])))).to.deep.equal([0, 5]);
  });

  it('keeps at least min_samples_leaf training rows in every leaf', () => {
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 120; i++) {
      rows.push([i, (i * 37) % 17]);
      y.push(Math.sin(i / 7) + i / 60);
    }
    const Xs = fromRows(rows);
    const pred = new DecisionTreeRegressor({ min_samples_leaf: 7 }).fit(Xs, Float64Array.from(y)).predict(Xs);
    const counts = new Map<number, number>();
    for (const v of pred) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(counts.size).to.be.greaterThan(3);
    for (const c of counts.values()) expect(c).to.be.at.least(7);
  });

  it('fits its training data exactly when grown without limits', () => {
    // integer features repeat, so only rows with identical features may disagree
    const pred = new DecisionTreeClassifier().fit(X, vector(ref.y_class)).predict(X);
    const seen = new Map<string, Set<number>>();
    const rows = ref.X as number[][];
    rows.forEach((r, i) => {
      const key = r.join(',');
      if (!seen.has(key)) seen.set(key, new Set());
      seen.get(key)!.add((ref.y_class as number[])[i]);
    });
    rows.forEach((r, i) => {
      if (seen.get(r.join(','))!.size === 1) expect(pred[i]).to.equal((ref.y_class as number[])[i]);
    });
  });

  it('round-trips through JSON', () => {
    const model = new DecisionTreeClassifier({ max_depth: 4 }).fit(X, vector(ref.y_class));
    const loaded = DecisionTreeClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON);
    expect(Array.from(loaded.predictProba(grid).data)).to.deep.equal(Array.from(model.predictProba(grid).data));
  });

  it('rejects forest-only parameters', () => {
    expect(() => new DecisionTreeClassifier({ n_estimators: 10 })).to.throw(ParameterError, /Unknown parameter 'n_estimators'/);
    expect(() => new DecisionTreeRegressor({ min_samples_leaf: 0 })).to.throw(
      ParameterError,
      "The 'min_samples_leaf' parameter of DecisionTreeRegressor must be an int >= 1. Got 0 instead.",
    );
  });
});
