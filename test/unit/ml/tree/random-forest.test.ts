import { expect } from 'chai';
import { AbortError, DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import type { EstimatorJSON } from '../../../../src/ml/base/estimator.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { RandomForestClassifier, RandomForestRegressor } from '../../../../src/ml/tree/random-forest.js';
import { accuracy, binaryData, matrix, reference, regressionData, vector } from './tree-fixtures.js';

function r2(pred: Float64Array, y: Float64Array): number {
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (pred[i] - y[i]) ** 2;
    sst += (y[i] - mean) ** 2;
  }
  return 1 - sse / sst;
}

describe('RandomForest', () => {
  const ref = reference.forest;
  const Xtr = matrix(ref.X_train);
  const Xte = matrix(ref.X_test);

  it('reaches the test accuracy of scikit-learn RandomForestClassifier', () => {
    const model = new RandomForestClassifier({ n_estimators: 100 }).fit(Xtr, vector(ref.y_train));
    expect(accuracy(model.predict(Xte), vector(ref.y_test))).to.be.closeTo(ref.accuracy as number, 0.03);
  });

  it('reaches the test R2 of scikit-learn RandomForestRegressor', () => {
    const model = new RandomForestRegressor({ n_estimators: 100 }).fit(Xtr, vector(ref.y_train_reg));
    expect(r2(model.predict(Xte), vector(ref.y_test_reg))).to.be.closeTo(ref.r2 as number, 0.04);
  });

  it('gives probabilities that are mean class fractions of the leaves', () => {
    const { X, y } = binaryData(200, 3, 1);
    const P = new RandomForestClassifier({ n_estimators: 10 }).fit(X, y).predictProba(X);
    for (let i = 0; i < P.rows; i++) {
      expect(P.data[2 * i] + P.data[2 * i + 1]).to.be.closeTo(1, 1e-12);
      // each is a mean of 10 fractions
      expect(P.data[2 * i + 1]).to.be.within(0, 1);
    }
    // fully grown trees on bootstrap samples fit their training rows closely
    expect(accuracy(new RandomForestClassifier({ n_estimators: 10 }).fit(X, y).predict(X), y)).to.be.greaterThan(0.95);
  });

  it('handles more than two classes with arbitrary labels', () => {
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 150; i++) {
      rows.push([i % 3, (i * 7) % 11]);
      y.push([10, 20, 30][i % 3]);
    }
    const model = new RandomForestClassifier({ n_estimators: 5 }).fit(fromRows(rows), Float64Array.from(y));
    expect(Array.from(model.classes)).to.deep.equal([10, 20, 30]);
    expect(Array.from(model.predict(fromRows([[0, 1], [1, 1], [2, 1]])))).to.deep.equal([10, 20, 30]);
  });

  describe('threads', () => {
    it('grows the same forest on two threads as on one', function () {
      this.timeout(30000);
      const { X, y } = binaryData(300, 5, 2);
      const one = JSON.stringify(new RandomForestClassifier({ n_estimators: 12, n_jobs: 1, seed: 5 }).fit(X, y).toJSON().state);
      const two = JSON.stringify(new RandomForestClassifier({ n_estimators: 12, n_jobs: 2, seed: 5 }).fit(X, y).toJSON().state);
      expect(two).to.equal(one);
      const reg = regressionData(200, 4, 3);
      const r1 = JSON.stringify(new RandomForestRegressor({ n_estimators: 6, n_jobs: 1 }).fit(reg.X, reg.y).toJSON().state);
      const r3 = JSON.stringify(new RandomForestRegressor({ n_estimators: 6, n_jobs: 3 }).fit(reg.X, reg.y).toJSON().state);
      expect(r3).to.equal(r1);
    });
  });

  describe('progress and cancelling', () => {
    it('reports progress per tree and stops with AbortError once the signal fires', () => {
      const { X, y } = binaryData(200, 4, 8);
      const steps: number[] = [];
      new RandomForestClassifier({ n_estimators: 6 }).fit(X, y, { onProgress: (p) => steps.push(p.step) });
      expect(steps).to.deep.equal([1, 2, 3, 4, 5, 6]);
      const controller = new AbortController();
      let last = 0;
      const fit = (): unknown =>
        new RandomForestClassifier({ n_estimators: 50 }).fit(X, y, {
          signal: controller.signal,
          onProgress: (p) => {
            last = p.step;
            if (p.step === 2) controller.abort();
          },
        });
      expect(fit).to.throw(AbortError);
      expect(last).to.equal(2);
    });
  });

  describe('determinism and saving', () => {
    const { X, y } = regressionData(200, 4, 4);

    it('gives byte-identical JSON for the same seed and different JSON for another', () => {
      const a = JSON.stringify(new RandomForestRegressor({ n_estimators: 5, seed: 1 }).fit(X, y).toJSON());
      const b = JSON.stringify(new RandomForestRegressor({ n_estimators: 5, seed: 1 }).fit(X, y).toJSON());
      const c = JSON.stringify(new RandomForestRegressor({ n_estimators: 5, seed: 2 }).fit(X, y).toJSON());
      expect(a).to.equal(b);
      expect(c).to.not.equal(a);
    });

    it('predicts identically after a JSON round trip', () => {
      const model = new RandomForestRegressor({ n_estimators: 5, max_features: 'sqrt' }).fit(X, y);
      const loaded = RandomForestRegressor.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON);
      expect(Array.from(loaded.predict(X))).to.deep.equal(Array.from(model.predict(X)));
      const c = binaryData(100, 3, 5);
      const clf = new RandomForestClassifier({ n_estimators: 4 }).fit(c.X, c.y);
      const clf2 = RandomForestClassifier.fromJSON(JSON.parse(JSON.stringify(clf.toJSON())) as EstimatorJSON);
      expect(Array.from(clf2.predictProba(c.X).data)).to.deep.equal(Array.from(clf.predictProba(c.X).data));
    });

    it('rejects a saved model of another type', () => {
      const json = new RandomForestRegressor({ n_estimators: 2 }).fit(X, y).toJSON();
      expect(() => RandomForestRegressor.fromJSON({ ...json, type: 'decision_tree' })).to.throw(DataError, /random_forest/);
    });
  });

  describe('parameters', () => {
    const { X, y } = regressionData(300, 6, 6);
    const leaves = (m: RandomForestRegressor): number => (m.toJSON().state as { trees: { feature: number[] } }).trees.feature.filter((f) => f < 0).length;

    it('grows smaller trees with a larger min_samples_leaf and a smaller max_depth', () => {
      const full = new RandomForestRegressor({ n_estimators: 3 }).fit(X, y);
      expect(leaves(new RandomForestRegressor({ n_estimators: 3, min_samples_leaf: 10 }).fit(X, y))).to.be.lessThan(leaves(full));
      expect(leaves(new RandomForestRegressor({ n_estimators: 3, max_depth: 2 }).fit(X, y))).to.be.at.most(12);
    });

    it('accepts every form of max_features', () => {
      for (const max_features of ['sqrt', 'log2', 2, 0.5, null]) {
        const m = new RandomForestRegressor({ n_estimators: 2, max_features }).fit(X, y);
        expect(m.predict(X).length).to.equal(300);
      }
    });

    it('ranks the informative feature first in the importances', () => {
      const imp = new RandomForestRegressor({ n_estimators: 10 }).fit(X, y).featureImportances();
      expect(imp.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
      expect(imp.indexOf(Math.max(...imp))).to.equal(0);
    });

    it('rejects unknown and out-of-range parameters naming them', () => {
      expect(() => new RandomForestClassifier({ max_features: 'half' })).to.throw(ParameterError, /'max_features'/);
      expect(() => new RandomForestClassifier({ min_samples_split: 1 })).to.throw(
        ParameterError,
        "The 'min_samples_split' parameter of RandomForestClassifier must be an int >= 2. Got 1 instead.",
      );
      expect(() => new RandomForestClassifier({ criterion: 'entropy' })).to.throw(ParameterError, /'criterion'/);
      expect(() => new RandomForestRegressor({ max_depth: 0 })).to.throw(ParameterError, /'max_depth'/);
      expect(() => new RandomForestRegressor({ trees: 3 })).to.throw(ParameterError, /Unknown parameter 'trees'/);
    });
  });

  describe('bad input', () => {
    const { X, y } = binaryData(30, 2, 7);

    it('rejects a single class, NaN targets and mismatched lengths', () => {
      expect(() => new RandomForestClassifier().fit(X, new Float64Array(30).fill(1))).to.throw(DataError, /only one class/);
      const bad = y.slice();
      bad[2] = Number.NaN;
      expect(() => new RandomForestRegressor().fit(X, bad)).to.throw(DataError, /row 2/);
      expect(() => new RandomForestRegressor().fit(X, y.subarray(1))).to.throw(DataError, /30 rows but y has 29/);
    });

    it('rejects predicting before fit or with another feature count', () => {
      expect(() => new RandomForestClassifier().predictProba(X)).to.throw(NotFittedError);
      const model = new RandomForestClassifier({ n_estimators: 2 }).fit(X, y);
      expect(() => model.predict(fromRows([[1, 2, 3]]))).to.throw(DataError, /3 features/);
    });

    it('learns from missing values instead of rejecting them', () => {
      const rows: number[][] = [];
      const labels: number[] = [];
      for (let i = 0; i < 100; i++) {
        rows.push([i % 2 === 0 ? Number.NaN : i % 9, i % 4]);
        labels.push(i % 2 === 0 ? 1 : 0);
      }
      const model = new RandomForestClassifier({ n_estimators: 5 }).fit(fromRows(rows), Float64Array.from(labels));
      expect(Array.from(model.predict(fromRows([[Number.NaN, 1], [3, 1]])))).to.deep.equal([1, 0]);
    });
  });
});
