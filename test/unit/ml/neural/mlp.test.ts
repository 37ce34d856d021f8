import { expect } from 'chai';
import { AbortError, DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import type { FitProgress } from '../../../../src/ml/base/estimator.js';
import type { Matrix } from '../../../../src/ml/base/matrix.js';
import { Rng } from '../../../../src/ml/base/random.js';
import { createEstimator, estimatorFromJSON, getModelType } from '../../../../src/ml/model-types.js';
import { ensureBackend, tf } from '../../../../src/ml/neural/backend.js';
import { MLPClassifier } from '../../../../src/ml/neural/mlp-classifier.js';
import { MLPRegressor } from '../../../../src/ml/neural/mlp-regressor.js';

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { rows, cols, data };
}

/** Three classes labelled 3, 7 and 10 split by the signs of x0 and x1. */
function threeClasses(X: Matrix): Float64Array {
  return Float64Array.from({ length: X.rows }, (_, i) => {
    const a = X.data[i * X.cols];
    const b = X.data[i * X.cols + 1];
    return a < 0 ? 3 : b < 0 ? 7 : 10;
  });
}

function smoothTarget(X: Matrix): Float64Array {
  return Float64Array.from({ length: X.rows }, (_, i) => 50 + 8 * Math.sin(X.data[i * X.cols]) + 4 * X.data[i * X.cols + 1]);
}

const small = { hidden_layer_sizes: [16], epochs: 20, learning_rate: 0.02, batch_size: 32 };

describe('mlp', () => {
  before(async function () {
    this.timeout(20000);
    await ensureBackend();
  });

  describe('MLPClassifier', () => {
    const X = gaussian(240, 3, 1);
    const y = threeClasses(X);

    it('learns three classes and answers with the original labels', () => {
      const model = new MLPClassifier(small).fit(X, y);
      expect(Array.from(model.classes)).to.deep.equal([3, 7, 10]);
      const test = gaussian(200, 3, 2);
      const truth = threeClasses(test);
      const pred = model.predict(test);
      let right = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) right++;
      expect(right / pred.length).to.be.greaterThan(0.85);
    });

    it('gives probabilities that sum to one per row and agree with predict', () => {
      const model = new MLPClassifier(small).fit(X, y);
      const proba = model.predictProba(X);
      const pred = model.predict(X);
      expect(proba.cols).to.equal(3);
      for (let i = 0; i < X.rows; i++) {
        const row = Array.from(proba.data.subarray(i * 3, i * 3 + 3));
        expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-9);
        expect(model.classes[row.indexOf(Math.max(...row))]).to.equal(pred[i]);
      }
    });

    it('rejects a target with a single class', () => {
      expect(() => new MLPClassifier(small).fit(X, new Float64Array(X.rows).fill(1))).to.throw(DataError);
    });
  });

  describe('MLPRegressor', () => {
    const X = gaussian(300, 2, 3);
    const y = smoothTarget(X);

    it('fits a smooth function far better than the mean', () => {
      const model = new MLPRegressor({ ...small, epochs: 40 }).fit(X, y);
      const pred = model.predict(X);
      let mean = 0;
      for (const v of y) mean += v / y.length;
      let sse = 0;
      let sst = 0;
      for (let i = 0; i < y.length; i++) {
        sse += (pred[i] - y[i]) ** 2;
        sst += (y[i] - mean) ** 2;
      }
      expect(1 - sse / sst).to.be.greaterThan(0.9);
    });

    it('trains with dropout and tanh or sigmoid activations', () => {
      for (const activation of ['tanh', 'sigmoid']) {
        const pred = new MLPRegressor({ ...small, activation, dropout: 0.2 }).fit(X, y).predict(X);
        expect(pred.every(Number.isFinite)).to.equal(true);
      }
    });

    it('gives the same model byte for byte for the same seed', () => {
      const params = { ...small, epochs: 5, dropout: 0.1, seed: 11 };
      const a = JSON.stringify(new MLPRegressor(params).fit(X, y).toJSON());
      const b = JSON.stringify(new MLPRegressor(params).fit(X, y).toJSON());
      const c = JSON.stringify(new MLPRegressor({ ...params, seed: 12 }).fit(X, y).toJSON());
      expect(a).to.equal(b);
      expect(a).to.not.equal(c);
    });

    it('reports progress after every epoch', () => {
      const seen: FitProgress[] = [];
      new MLPRegressor({ ...small, epochs: 4 }).fit(X, y, { onProgress: (p) => seen.push(p) });
      expect(seen.map((p) => p.step)).to.deep.equal([1, 2, 3, 4]);
      expect(seen.every((p) => p.total === 4 && Number.isFinite(p.values?.loss))).to.equal(true);
    });

    it('stops early when the validation loss stops improving and keeps the best epoch', () => {
      // The validation target is the training target negated: the better the fit, the worse the validation loss.
      const validation = { X, y: Float64Array.from(y, (v) => 100 - v) };
      const model = new MLPRegressor({ ...small, epochs: 50 }).fit(X, y, { validation, earlyStoppingRounds: 3 });
      const history = model.history();
      expect(history.loss.length).to.be.lessThan(50);
      const valid = history.validLoss!;
      const best = valid.indexOf(Math.min(...valid));
      expect(history.loss.length).to.equal(best + 1 + 3);
      expect(model.toJSON().state).to.include({ bestEpoch: best + 1 });
    });

    it('runs every epoch when no earlyStoppingRounds is given', () => {
      const model = new MLPRegressor({ ...small, epochs: 6 }).fit(X, y, { validation: { X, y } });
      expect(model.history().validLoss).to.have.length(6);
    });

    it('stops with AbortError when its signal fires and frees its tensors', () => {
      const before = tf().memory().numTensors;
      const controller = new AbortController();
      const model = new MLPRegressor({ ...small, epochs: 30 });
      expect(() =>
        model.fit(X, y, {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.step === 2) controller.abort();
          },
        }),
      ).to.throw(AbortError);
      expect(tf().memory().numTensors).to.equal(before);
      expect(() => model.predict(X)).to.throw(NotFittedError);
    });

    it('leaves no tensors behind after fit and predict', () => {
      const before = tf().memory().numTensors;
      new MLPRegressor({ ...small, epochs: 2 }).fit(X, y, { validation: { X, y }, earlyStoppingRounds: 1 }).predict(X);
      expect(tf().memory().numTensors).to.equal(before);
    });

    it('rejects a validation set with another number of features', () => {
      const validation = { X: gaussian(10, 3, 9), y: new Float64Array(10) };
      expect(() => new MLPRegressor(small).fit(X, y, { validation })).to.throw(DataError, /validation set has 3 features/);
    });
  });

  describe('saving and loading', () => {
    const X = gaussian(120, 3, 4);
    const y = threeClasses(X);

    it('round-trips a classifier through JSON with flat weights and the same predictions', () => {
      const model = new MLPClassifier({ ...small, epochs: 5, hidden_layer_sizes: [8, 4] }).fit(X, y);
      const json = JSON.parse(JSON.stringify(model.toJSON()));
      const state = json.state as { weights: Array<{ shape: number[]; values: unknown[] }> };
      expect(state.weights.map((w) => w.shape)).to.deep.equal([[3, 8], [8], [8, 4], [4], [4, 3], [3]]);
      for (const w of state.weights) expect(w.values.every((v) => typeof v === 'number')).to.equal(true);
      const restored = estimatorFromJSON(json) as MLPClassifier;
      expect(restored).to.be.instanceOf(MLPClassifier);
      expect(Array.from(restored.predictProba(X).data)).to.deep.equal(Array.from(model.predictProba(X).data));
      expect(JSON.stringify(restored.toJSON())).to.equal(JSON.stringify(model.toJSON()));
    });

    it('round-trips a regressor through JSON with the same predictions', () => {
      const target = smoothTarget(X);
      const model = new MLPRegressor({ ...small, epochs: 3 }).fit(X, target);
      const restored = MLPRegressor.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(Array.from(restored.predict(X))).to.deep.equal(Array.from(model.predict(X)));
    });

    it('refuses saved weights of the wrong shape', () => {
      const json = JSON.parse(JSON.stringify(new MLPClassifier({ ...small, epochs: 1 }).fit(X, y).toJSON()));
      json.state.weights[0].values.pop();
      expect(() => MLPClassifier.fromJSON(json)).to.throw(DataError, /shape \[3, 16\]/);
    });

    it('refuses saved weights holding null', () => {
      const json = JSON.parse(JSON.stringify(new MLPRegressor({ ...small, epochs: 1 }).fit(X, smoothTarget(X)).toJSON()));
      json.state.weights[1].values[0] = null;
      expect(() => MLPRegressor.fromJSON(json)).to.throw(DataError, /non-finite/);
    });
  });

  describe('the estimator contract', () => {
    const X = gaussian(50, 2, 5);

    it('throws NotFittedError when predicting before fit', () => {
      expect(() => new MLPRegressor().predict(X)).to.throw(NotFittedError);
      expect(() => new MLPClassifier().predictProba(X)).to.throw(NotFittedError);
    });

    it('rejects predict-time inputs with another number of features or NaN', () => {
      const model = new MLPRegressor({ ...small, epochs: 1 }).fit(X, smoothTarget(X));
      expect(() => model.predict(gaussian(5, 3, 6))).to.throw(DataError, /3 features/);
      const bad = gaussian(5, 2, 6);
      bad.data[3] = NaN;
      expect(() => model.predict(bad)).to.throw(DataError, /NaN at row 1, column 1/);
    });

    it('clones to an unfitted copy with the same parameters', () => {
      const model = new MLPRegressor({ ...small, epochs: 1 }).fit(X, smoothTarget(X));
      const copy = model.clone();
      expect(copy.getParams()).to.deep.equal(model.getParams());
      expect(() => copy.predict(X)).to.throw(NotFittedError);
    });

    it('accepts layers as the name of hidden_layer_sizes', () => {
      const model = new MLPRegressor({ layers: [5, 3] });
      expect(model.getParams()).to.include({ layers: null });
      expect(model.getParams().hidden_layer_sizes).to.deep.equal([5, 3]);
      expect(model.clone().getParams()).to.deep.equal(model.getParams());
    });

    it('rejects bad hyperparameters naming the parameter', () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ hidden_layer_sizes: [64, 0] }, 'hidden_layer_sizes'],
        [{ hidden_layer_sizes: 64 }, 'hidden_layer_sizes'],
        [{ layers: [8], hidden_layer_sizes: [4] }, 'layers'],
        [{ activation: 'softplus' }, 'activation'],
        [{ dropout: 1 }, 'dropout'],
        [{ epochs: 0 }, 'epochs'],
        [{ batch_size: 2.5 }, 'batch_size'],
        [{ learning_rate: 0 }, 'learning_rate'],
        [{ seed: -1 }, 'seed'],
        [{ max_depth: 3 }, 'max_depth'],
      ];
      for (const [params, name] of cases) {
        expect(() => new MLPClassifier(params as never), JSON.stringify(params))
          .to.throw(ParameterError, new RegExp(`'${name}'`))
          .with.property('parameter', name);
      }
    });

    it('is registered as mlp for both tasks and asks for scaled features', () => {
      expect(getModelType('mlp').wantsScaling).to.equal(true);
      expect(createEstimator('mlp', { epochs: 1 }, 'classification')).to.be.instanceOf(MLPClassifier);
      expect(createEstimator('mlp', { epochs: 1 }, 'regression')).to.be.instanceOf(MLPRegressor);
      expect(() => createEstimator('mlp', {}, 'timeseries')).to.throw(ParameterError);
    });
  });
});
