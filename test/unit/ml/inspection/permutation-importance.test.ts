import { expect } from 'chai';
import { DataError, ParameterError } from '../../../../src/ml/base/errors.js';
import { createMatrix, fromRows, type Matrix } from '../../../../src/ml/base/matrix.js';
import { Rng } from '../../../../src/ml/base/random.js';
import { permutationImportance, type Predictor } from '../../../../src/ml/inspection/index.js';
import { meanSquaredError } from '../../../../src/ml/metrics/index.js';

/** 3 features: y depends on x0 (weight 2) and x2 (weight 1), never on x1. */
function linearData(n: number, seed = 1): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const X = createMatrix(n, 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) X.data[i * 3 + j] = rng.normal();
    y[i] = 2 * X.data[i * 3] - X.data[i * 3 + 2] + 0.1 * rng.normal();
  }
  return { X, y };
}

const linearPredict = (X: Matrix) => {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) out[i] = 2 * X.data[i * 3] - X.data[i * 3 + 2];
  return out;
};

describe('permutationImportance', () => {
  const { X, y } = linearData(80);

  it('gives exactly zero to a feature the model ignores and ranks the others by weight', () => {
    for (const metric of ['r2', 'rmse', 'mae']) {
      const r = permutationImportance(linearPredict, X, y, { metric, nRepeats: 4, seed: 3 });
      expect(r.importancesMean[1], metric).to.equal(0);
      expect(r.importancesStd[1], metric).to.equal(0);
      expect(r.importancesMean[0], metric).to.be.greaterThan(r.importancesMean[2]);
      expect(r.importancesMean[2], metric).to.be.greaterThan(0);
    }
  });

  it('reports the baseline score and summarises the per-repeat drops', () => {
    const r = permutationImportance(linearPredict, X, y, { metric: 'mse', nRepeats: 5, seed: 0 });
    expect(r.baselineScore).to.equal(meanSquaredError(y, linearPredict(X)));
    expect(r.metric).to.equal('mse');
    expect(r.importances.rows).to.equal(3);
    expect(r.importances.cols).to.equal(5);
    for (let j = 0; j < 3; j++) {
      const row = Array.from(r.importances.data.subarray(j * 5, j * 5 + 5));
      const mean = row.reduce((a, b) => a + b, 0) / 5;
      const std = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 5);
      expect(r.importancesMean[j]).to.be.closeTo(mean, 1e-12);
      expect(r.importancesStd[j]).to.be.closeTo(std, 1e-12);
    }
  });

  it('counts a drop in a score and a rise in an error both as positive importance', () => {
    // two rows: a shuffle either keeps them (drop 0) or swaps them
    const X2 = fromRows([[0], [1]]);
    const y2 = Float64Array.of(0, 1);
    const identity = (m: Matrix) => Float64Array.from(m.data);
    const mse = permutationImportance(identity, X2, y2, { metric: 'mse', nRepeats: 12, seed: 5 });
    const r2 = permutationImportance(identity, X2, y2, { metric: 'r2', nRepeats: 12, seed: 5 });
    // swapped: mse 0 -> 1 (importance +1); r2 1 -> -3 (importance +4)
    expect(new Set(mse.importances.data)).to.deep.equal(new Set([0, 1]));
    expect(Array.from(r2.importances.data)).to.deep.equal(Array.from(mse.importances.data, (d) => 4 * d));
  });

  it('is reproducible for a seed and varies with it', () => {
    const a = permutationImportance(linearPredict, X, y, { metric: 'r2', nRepeats: 3, seed: 9 });
    const b = permutationImportance(linearPredict, X, y, { metric: 'r2', nRepeats: 3, seed: 9 });
    const c = permutationImportance(linearPredict, X, y, { metric: 'r2', nRepeats: 3, seed: 10 });
    expect(Array.from(a.importances.data)).to.deep.equal(Array.from(b.importances.data));
    expect(Array.from(a.importances.data)).to.not.deep.equal(Array.from(c.importances.data));
  });

  it('leaves X unchanged', () => {
    const before = Array.from(X.data);
    permutationImportance(linearPredict, X, y, { metric: 'r2', nRepeats: 2 });
    expect(Array.from(X.data)).to.deep.equal(before);
  });

  it("uses a classifier's task for the default metric and its predictProba for roc_auc", () => {
    // class 1 when x0 > 0; x1 is noise the model never reads
    const rng = new Rng(2);
    const Xc = createMatrix(60, 2);
    const yc = new Float64Array(60);
    for (let i = 0; i < 60; i++) {
      Xc.data[i * 2] = rng.normal();
      Xc.data[i * 2 + 1] = rng.normal();
      yc[i] = Xc.data[i * 2] + 0.3 * rng.normal() > 0 ? 1 : 0;
    }
    const p1 = (m: Matrix, i: number) => 1 / (1 + Math.exp(-3 * m.data[i * 2]));
    const clf: Predictor = {
      task: 'classification',
      classes: Float64Array.of(0, 1),
      predict: (m) => Float64Array.from({ length: m.rows }, (_, i) => (p1(m, i) > 0.5 ? 1 : 0)),
      predictProba: (m) => fromRows(Array.from({ length: m.rows }, (_, i) => [1 - p1(m, i), p1(m, i)])),
    };
    const byAccuracy = permutationImportance(clf, Xc, yc, { nRepeats: 3 });
    expect(byAccuracy.metric).to.equal('accuracy');
    expect(byAccuracy.importancesMean[0]).to.be.greaterThan(0.2);
    expect(byAccuracy.importancesMean[1]).to.equal(0);
    const byAuc = permutationImportance(clf, Xc, yc, { metric: 'roc_auc', nRepeats: 3 });
    expect(byAuc.importancesMean[0]).to.be.greaterThan(0.2);
    expect(byAuc.importancesMean[1]).to.equal(0);
  });

  it('needs a metric for a bare predict function', () => {
    expect(() => permutationImportance(linearPredict, X, y)).to.throw(ParameterError, /pass options.metric/);
  });

  it('refuses a probability metric for a model without predictProba', () => {
    expect(() => permutationImportance(linearPredict, X, y, { metric: 'log_loss' })).to.throw(DataError, /needs predicted probabilities/);
  });

  it('refuses a metric of the wrong task', () => {
    const reg: Predictor = { task: 'regression', predict: linearPredict };
    expect(() => permutationImportance(reg, X, y, { metric: 'accuracy' })).to.throw(ParameterError, /'accuracy' is a classification metric/);
  });

  it('rejects an n_repeats of 0 naming the parameter', () => {
    expect(() => permutationImportance(linearPredict, X, y, { metric: 'r2', nRepeats: 0 })).to.throw(ParameterError, /'n_repeats' parameter/);
  });

  it('refuses X and y of different lengths', () => {
    expect(() => permutationImportance(linearPredict, X, y.subarray(1), { metric: 'r2' })).to.throw(DataError, /80 rows but y has 79/);
  });
});
