import { expect } from 'chai';
import { AbortError, DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import type { Checkpoint, EstimatorJSON, FitProgress } from '../../../../src/ml/base/estimator.js';
import { fromRows, type Matrix } from '../../../../src/ml/base/matrix.js';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../../../../src/ml/tree/gradient-boosting.js';
import { accuracy, binaryData, column, matrix, reference, regressionData, rocAuc, vector } from './tree-fixtures.js';

function roundTrip<T>(json: EstimatorJSON, load: (j: EstimatorJSON) => T): T {
  return load(JSON.parse(JSON.stringify(json)) as EstimatorJSON);
}

describe('GradientBoosting', () => {
  describe('against xgboost', () => {
    it('makes the same trees as xgboost hist on a tiny integer-valued regression', () => {
      const ref = reference.tiny_regression;
      const X = matrix(ref.X);
      const model = new GradientBoostingRegressor(ref.params as Record<string, number>).fit(X, vector(ref.y));
      const pred = model.predict(X);
      const expected = vector(ref.predictions);
      for (let i = 0; i < expected.length; i++) expect(pred[i]).to.be.closeTo(expected[i], 1e-4);
    });

    it('reaches the test AUC of xgboost on binary data with missing values', () => {
      const ref = reference.binary;
      const model = new GradientBoostingClassifier(ref.params as Record<string, number>).fit(matrix(ref.X_train), vector(ref.y_train));
      const yTest = vector(ref.y_test);
      const p = column(model.predictProba(matrix(ref.X_test)), 1);
      expect(rocAuc(p, yTest)).to.be.closeTo(ref.auc as number, 0.015);
      expect(accuracy(model.predict(matrix(ref.X_test)), yTest)).to.be.closeTo(ref.accuracy as number, 0.03);
    });

    it('reaches the accuracy of xgboost softmax on three classes with arbitrary labels', () => {
      const ref = reference.multiclass;
      const model = new GradientBoostingClassifier(ref.params as Record<string, number>).fit(matrix(ref.X_train), vector(ref.y_train));
      expect(Array.from(model.classes)).to.deep.equal([1, 2, 5]);
      const pred = model.predict(matrix(ref.X_test));
      expect(accuracy(pred, vector(ref.y_test))).to.be.closeTo(ref.accuracy as number, 0.03);
      const P = model.predictProba(matrix(ref.X_test));
      expect(P.cols).to.equal(3);
      for (let i = 0; i < P.rows; i++) expect(P.data[3 * i] + P.data[3 * i + 1] + P.data[3 * i + 2]).to.be.closeTo(1, 1e-12);
    });
  });

  describe('objectives', () => {
    it('fits a regression so training error falls well below the spread of y', () => {
      const { X, y } = regressionData(400, 4, 1);
      const pred = new GradientBoostingRegressor({ n_estimators: 50 }).fit(X, y).predict(X);
      let sse = 0;
      let sst = 0;
      let mean = 0;
      for (const v of y) mean += v / y.length;
      for (let i = 0; i < y.length; i++) {
        sse += (pred[i] - y[i]) ** 2;
        sst += (y[i] - mean) ** 2;
      }
      expect(1 - sse / sst).to.be.greaterThan(0.9);
    });

    it('starts binary boosting from the log-odds of the positive rate', () => {
      const X = fromRows([[0], [0], [0], [0]]);
      const y = Float64Array.from([1, 1, 1, 0]);
      // a constant feature allows no split, so the prediction is the base score alone
      const p = new GradientBoostingClassifier({ n_estimators: 3 }).fit(X, y).predictProba(X);
      expect(p.data[1]).to.be.closeTo(0.75, 1e-12);
    });

    it('starts regression from the mean of y', () => {
      const X = fromRows([[1], [1], [1]]);
      const pred = new GradientBoostingRegressor({ n_estimators: 2 }).fit(X, Float64Array.from([1, 2, 6])).predict(X);
      expect(pred[0]).to.be.closeTo(3, 1e-12);
    });

    it('predicts the constant for a constant target', () => {
      const { X } = regressionData(50, 3, 12);
      const pred = new GradientBoostingRegressor({ n_estimators: 5 }).fit(X, new Float64Array(50).fill(4.5)).predict(X);
      for (const v of pred) expect(v).to.equal(4.5);
    });

    it('shrinks each tree by the learning rate', () => {
      const X = fromRows([[0], [1]]);
      const y = Float64Array.from([0, 10]);
      const pred = new GradientBoostingRegressor({ n_estimators: 1, learning_rate: 0.5, reg_lambda: 0, min_child_weight: 0 }).fit(X, y).predict(X);
      // base 5, residuals -5 and +5, leaves -5 * 0.5 and +5 * 0.5
      expect(Array.from(pred)).to.deep.equal([2.5, 7.5]);
    });
  });

  describe('early stopping', () => {
    it('keeps the best iteration and equals a fit of that many rounds', () => {
      const train = binaryData(300, 4, 2);
      const valid = binaryData(200, 4, 3);
      const params = { learning_rate: 0.5, max_depth: 4, n_estimators: 200 };
      const losses: number[] = [];
      const model = new GradientBoostingClassifier(params).fit(train.X, train.y, {
        validation: valid,
        earlyStoppingRounds: 5,
        onProgress: (p: FitProgress) => losses.push(p.values!.valid_loss),
      });
      const best = model.bestIteration!;
      expect(best).to.be.a('number');
      expect(losses.length).to.equal(best + 1 + 5);
      expect(losses.length).to.be.lessThan(200);
      expect(Math.min(...losses)).to.equal(losses[best]);
      expect(model.rounds).to.equal(best + 1);
      const plain = new GradientBoostingClassifier({ ...params, n_estimators: best + 1 }).fit(train.X, train.y);
      expect(Array.from(model.predictProba(valid.X).data)).to.deep.equal(Array.from(plain.predictProba(valid.X).data));
    });

    it('reports progress every round with the validation loss', () => {
      const { X, y } = regressionData(100, 3, 4);
      const seen: FitProgress[] = [];
      new GradientBoostingRegressor({ n_estimators: 7 }).fit(X, y, { validation: { X, y }, onProgress: (p) => seen.push(p) });
      expect(seen.map((p) => p.step)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
      expect(seen.every((p) => p.total === 7 && typeof p.values?.valid_loss === 'number')).to.equal(true);
      // on its own training rows the loss can only go down
      for (let k = 1; k < seen.length; k++) expect(seen[k].values!.valid_loss).to.be.lessThan(seen[k - 1].values!.valid_loss);
    });

    it('rejects early stopping without a validation set', () => {
      const { X, y } = regressionData(50, 2, 5);
      expect(() => new GradientBoostingRegressor().fit(X, y, { earlyStoppingRounds: 3 })).to.throw(ParameterError, /validation/);
    });

    it('throws AbortError between rounds once the signal fires', () => {
      const { X, y } = regressionData(100, 3, 6);
      const controller = new AbortController();
      let rounds = 0;
      expect(() =>
        new GradientBoostingRegressor({ n_estimators: 50 }).fit(X, y, {
          signal: controller.signal,
          onProgress: (p) => {
            rounds = p.step;
            if (p.step === 3) controller.abort();
          },
        }),
      ).to.throw(AbortError);
      expect(rounds).to.equal(3);
    });
  });

  describe('missing values', () => {
    it('learns where missing values go when missingness predicts the label', () => {
      const rows: number[][] = [];
      const y: number[] = [];
      for (let i = 0; i < 200; i++) {
        const missing = i % 2 === 0;
        rows.push([missing ? Number.NaN : (i % 7) - 3, i % 5]);
        y.push(missing ? 1 : 0);
      }
      const model = new GradientBoostingClassifier({ n_estimators: 20 }).fit(fromRows(rows), Float64Array.from(y));
      const p = column(model.predictProba(fromRows([[Number.NaN, 2], [0, 2], [3, 2]])), 1);
      expect(p[0]).to.be.greaterThan(0.9);
      expect(p[1]).to.be.lessThan(0.1);
      expect(p[2]).to.be.lessThan(0.1);
    });

    it('sends missing values unseen in training to the side with more training weight', () => {
      // 30 rows at 0 with y = 0, 10 rows at 1 with y = 10; a NaN at predict time follows the 30
      const rows = [...Array(30).fill([0]), ...Array(10).fill([1])] as number[][];
      const y = Float64Array.from([...Array(30).fill(0), ...Array(10).fill(10)] as number[]);
      const model = new GradientBoostingRegressor({ n_estimators: 1, learning_rate: 1, reg_lambda: 0 }).fit(fromRows(rows), y);
      const pred = model.predict(fromRows([[Number.NaN], [0]]));
      expect(pred[0]).to.equal(pred[1]);
    });
  });

  describe('determinism and saving', () => {
    const { X, y } = binaryData(300, 6, 7);
    const sampled = { subsample: 0.7, colsample_bytree: 0.5, n_estimators: 15, seed: 3 };

    it('gives byte-identical JSON for the same seed, with row and column sampling', () => {
      const a = JSON.stringify(new GradientBoostingClassifier(sampled).fit(X, y).toJSON());
      const b = JSON.stringify(new GradientBoostingClassifier(sampled).fit(X, y).toJSON());
      expect(a).to.equal(b);
      const c = JSON.stringify(new GradientBoostingClassifier({ ...sampled, seed: 4 }).fit(X, y).toJSON());
      expect(c).to.not.equal(a);
    });

    it('predicts identically after a JSON round trip', () => {
      const model = new GradientBoostingClassifier(sampled).fit(X, y);
      const loaded = roundTrip(model.toJSON(), GradientBoostingClassifier.fromJSON);
      expect(Array.from(loaded.predictProba(X).data)).to.deep.equal(Array.from(model.predictProba(X).data));
      expect(Array.from(loaded.featureImportances())).to.deep.equal(Array.from(model.featureImportances()));
      const reg = new GradientBoostingRegressor({ n_estimators: 5 }).fit(X, y);
      expect(Array.from(roundTrip(reg.toJSON(), GradientBoostingRegressor.fromJSON).predict(X))).to.deep.equal(Array.from(reg.predict(X)));
    });

    it('rejects a saved model whose tree points back at an earlier node', () => {
      const json = JSON.parse(JSON.stringify(new GradientBoostingRegressor({ n_estimators: 2 }).fit(X, y).toJSON())) as EstimatorJSON;
      const trees = (json.state as { trees: { left: number[]; feature: number[] } }).trees;
      const split = trees.feature.findIndex((f) => f >= 0);
      trees.left[split] = split;
      expect(() => GradientBoostingRegressor.fromJSON(json)).to.throw(DataError, /children/);
    });

    it('rejects a saved model with a non-number threshold or of another task', () => {
      const json = JSON.parse(JSON.stringify(new GradientBoostingRegressor({ n_estimators: 2 }).fit(X, y).toJSON())) as EstimatorJSON;
      expect(() => GradientBoostingClassifier.fromJSON(json)).to.throw(DataError, /classification/);
      (json.state as { trees: { threshold: unknown[] } }).trees.threshold[0] = null;
      expect(() => GradientBoostingRegressor.fromJSON(json)).to.throw(DataError, /threshold/);
    });

    it('clones to an unfitted copy with the same params', () => {
      const model = new GradientBoostingClassifier(sampled).fit(X, y);
      const copy = model.clone();
      expect(copy.getParams()).to.deep.equal(model.getParams());
      expect(() => copy.predict(X)).to.throw(NotFittedError);
    });
  });

  describe('feature importances', () => {
    it('normalises total gain and ranks the informative feature first', () => {
      const { X, y } = regressionData(300, 5, 8);
      const imp = new GradientBoostingRegressor({ n_estimators: 20 }).fit(X, y).featureImportances();
      expect(imp.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
      expect(imp.indexOf(Math.max(...imp))).to.equal(0);
    });

    it('prunes weak splits bottom-up with gamma', () => {
      const { X, y } = regressionData(200, 3, 9);
      const size = (m: GradientBoostingRegressor): number => (m.toJSON().state as { trees: { feature: number[] } }).trees.feature.length;
      const loose = new GradientBoostingRegressor({ n_estimators: 3 }).fit(X, y);
      const strict = new GradientBoostingRegressor({ n_estimators: 3, gamma: 50 }).fit(X, y);
      expect(size(strict)).to.be.lessThan(size(loose));
    });
  });

  describe('bad input', () => {
    const { X, y } = binaryData(40, 3, 10);

    it('rejects a max_depth of 0 naming the parameter', () => {
      expect(() => new GradientBoostingClassifier({ max_depth: 0 })).to.throw(
        ParameterError,
        "The 'max_depth' parameter of GradientBoostingClassifier must be an int >= 1. Got 0 instead.",
      );
    });

    it('rejects unknown and out-of-range parameters', () => {
      expect(() => new GradientBoostingRegressor({ n_trees: 5 })).to.throw(ParameterError, /Unknown parameter 'n_trees'/);
      expect(() => new GradientBoostingRegressor({ subsample: 0 })).to.throw(ParameterError, /'subsample'/);
      expect(() => new GradientBoostingRegressor({ max_bin: 256 })).to.throw(ParameterError, /'max_bin'/);
      expect(() => new GradientBoostingRegressor({ learning_rate: '0.1' })).to.throw(ParameterError, /'learning_rate'/);
      expect(() => new GradientBoostingRegressor({ n_jobs: 0 })).to.throw(ParameterError, /'n_jobs'/);
    });

    it('rejects X and y of different lengths', () => {
      expect(() => new GradientBoostingClassifier().fit(X, y.subarray(0, 39))).to.throw(DataError, /40 rows but y has 39/);
    });

    it('rejects NaN in the target', () => {
      const bad = y.slice();
      bad[5] = Number.NaN;
      expect(() => new GradientBoostingRegressor().fit(X, bad)).to.throw(DataError, /row 5/);
      expect(() => new GradientBoostingClassifier().fit(X, bad)).to.throw(DataError, /row 5/);
    });

    it('rejects a single class for a classifier', () => {
      expect(() => new GradientBoostingClassifier().fit(X, new Float64Array(40))).to.throw(DataError, /only one class/);
    });

    it('rejects predicting with a different feature count, and before fit', () => {
      expect(() => new GradientBoostingClassifier().predict(X)).to.throw(NotFittedError);
      const model = new GradientBoostingClassifier({ n_estimators: 2 }).fit(X, y);
      const wide: Matrix = { rows: 1, cols: 4, data: new Float64Array(4) };
      expect(() => model.predict(wide)).to.throw(DataError, /4 features.*3 features/);
    });

    it('rejects validation labels never seen in training', () => {
      const valid = { X, y: y.map((v) => v + 1) };
      expect(() => new GradientBoostingClassifier({ n_estimators: 2 }).fit(X, y, { validation: valid })).to.throw(DataError, /not among the training classes/);
    });
  });
});

describe('GradientBoosting threads', () => {
  it('fits the same model with histogram helper threads as without', function () {
    this.timeout(30000);
    // large enough that the upper nodes' histograms are shared with the helpers
    const { X, y } = binaryData(24000, 30, 11);
    const params = { n_estimators: 5, max_depth: 4, subsample: 0.9, colsample_bytree: 0.9 };
    const one = JSON.stringify(new GradientBoostingClassifier({ ...params, n_jobs: 1 }).fit(X, y).toJSON().state);
    const two = JSON.stringify(new GradientBoostingClassifier({ ...params, n_jobs: 2 }).fit(X, y).toJSON().state);
    expect(two).to.equal(one);
    const three = JSON.stringify(new GradientBoostingClassifier({ ...params, n_jobs: 3 }).fit(X, y).toJSON().state);
    expect(three).to.equal(one);
  });
});

describe('GradientBoosting in pieces (options.rounds)', () => {
  /** Fits in pieces ending at each of `ends`, every piece on a fresh estimator as another thread would; the last piece's state. */
  function inPieces(make: () => GradientBoostingClassifier | GradientBoostingRegressor, X: Matrix, y: Float64Array, ends: number[]): string {
    let from: Checkpoint | undefined;
    let model = make();
    for (const until of ends) {
      model = make().fit(X, y, { rounds: { from, until } });
      // the checkpoint crosses a thread boundary: a structured clone
      from = structuredClone(model.checkpoint());
      expect(from.rounds).to.equal(until);
    }
    return JSON.stringify(model.toJSON().state);
  }

  it('gives exactly the whole fit, for regression, two classes and three, with row and feature sampling and missing values', () => {
    const params = { n_estimators: 7, max_depth: 3, subsample: 0.8, colsample_bytree: 0.7, seed: 3 };
    const reg = regressionData(600, 5, 2);
    const bin = binaryData(600, 5, 4);
    bin.X.data[7] = Number.NaN;
    bin.X.data[40] = Number.NaN;
    const three = { X: bin.X, y: bin.y.map((v, i) => (v === 1 ? 1 : i % 2 === 0 ? 0 : 2)) };
    const cases: Array<[() => GradientBoostingClassifier | GradientBoostingRegressor, Matrix, Float64Array]> = [
      [() => new GradientBoostingRegressor(params), reg.X, reg.y],
      [() => new GradientBoostingClassifier(params), bin.X, bin.y],
      [() => new GradientBoostingClassifier(params), three.X, three.y],
    ];
    for (const [make, X, y] of cases) {
      const whole = JSON.stringify(make().fit(X, y).toJSON().state);
      expect(inPieces(make, X, y, [3, 7])).to.equal(whole);
      expect(inPieces(make, X, y, [1, 2, 6, 7])).to.equal(whole);
    }
  });

  it('a piece short of the end is a model of that many rounds', () => {
    const { X, y } = regressionData(300, 4, 5);
    const part = new GradientBoostingRegressor({ n_estimators: 10 }).fit(X, y, { rounds: { until: 4 } });
    expect(part.rounds).to.equal(4);
    expect(Array.from(part.predict(X))).to.deep.equal(Array.from(new GradientBoostingRegressor({ n_estimators: 4 }).fit(X, y).predict(X)));
  });

  it('rejects a checkpoint of another model, rounds past n_estimators, early stopping, and a checkpoint without a piece', () => {
    const { X, y } = regressionData(200, 4, 6);
    const bin = binaryData(200, 4, 6);
    const from = new GradientBoostingRegressor({ n_estimators: 6 }).fit(X, y, { rounds: { until: 2 } }).checkpoint();
    const three = bin.y.map((v, i) => (v === 1 ? 1 : i % 2 === 0 ? 0 : 2));
    expect(() => new GradientBoostingClassifier({ n_estimators: 6 }).fit(bin.X, three, { rounds: { from, until: 4 } })).to.throw(ParameterError, /not a checkpoint of this model/);
    expect(() => new GradientBoostingRegressor({ n_estimators: 6 }).fit(X, y, { rounds: { from, until: 2 } })).to.throw(ParameterError, /1 to 1/);
    expect(() => new GradientBoostingRegressor({ n_estimators: 6 }).fit(X, y, { rounds: { until: 7 } })).to.throw(ParameterError, /rounds.until/);
    expect(() =>
      new GradientBoostingRegressor({ n_estimators: 6 }).fit(X, y, { rounds: { until: 3 }, validation: { X, y }, earlyStoppingRounds: 2 }),
    ).to.throw(ParameterError, /cannot stop early/);
    expect(() => new GradientBoostingRegressor({ n_estimators: 6 }).fit(X, y).checkpoint()).to.throw(NotFittedError);
  });
});
