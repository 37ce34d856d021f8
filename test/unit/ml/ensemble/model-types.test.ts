import { expect } from 'chai';
// The registry first: ensemble/model-types.ts must not be the first module of the cycle to load.
import { createEstimator, estimatorFromJSON, getModelType, MODEL_TYPES } from '../../../../src/ml/model-types.js';
import { ParameterError } from '../../../../src/ml/base/errors.js';
import { isClassifier, type Estimator } from '../../../../src/ml/base/estimator.js';
import type { Matrix } from '../../../../src/ml/base/matrix.js';
import type { Params } from '../../../../src/ml/base/params.js';
import { Rng } from '../../../../src/ml/base/random.js';
import { ensembleModelTypes } from '../../../../src/ml/ensemble/model-types.js';

function data(n: number, seed: number): { X: Matrix; yReg: Float64Array; yClf: Float64Array } {
  const rng = new Rng(seed);
  const X = { rows: n, cols: 3, data: Float64Array.from({ length: n * 3 }, () => rng.normal()) };
  const yReg = new Float64Array(n);
  const yClf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = 2 * X.data[i * 3] - X.data[i * 3 + 1] + 0.5 * X.data[i * 3 + 2] * X.data[i * 3 + 2] + 0.3 * rng.normal();
    yReg[i] = s;
    yClf[i] = s > 0.5 ? 2 : s > -0.5 ? 1 : 0;
  }
  return { X, yReg, yClf };
}

function asEstimator(e: ReturnType<typeof createEstimator>): Estimator {
  if (e.task === 'timeseries') throw new Error('expected an estimator');
  return e;
}

describe('ensembleModelTypes', () => {
  it('registers voting and stacking for classification and regression', () => {
    for (const name of ['voting', 'stacking']) {
      expect(getModelType(name)).to.equal(ensembleModelTypes[name]);
      expect(ensembleModelTypes[name].tasks).to.have.members(['classification', 'regression']);
    }
  });

  it('builds the classifier or the regressor from the task and restores either from JSON', () => {
    const { X, yReg, yClf } = data(40, 1);
    const specs: Record<'classification' | 'regression', Params[]> = {
      classification: [{ type: 'logistic_regression' }, { type: 'logistic_regression', hyperparameters: { C: 0.1 } }],
      regression: [{ type: 'ridge' }, { type: 'linear_regression' }],
    };
    for (const type of ['voting', 'stacking']) {
      for (const task of ['classification', 'regression'] as const) {
        const model = asEstimator(createEstimator(type, { estimators: specs[task] }, task));
        expect(model.task).to.equal(task);
        model.fit(X, task === 'classification' ? yClf : yReg);
        const restored = asEstimator(estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON()))));
        expect(restored.task).to.equal(task);
        expect(Array.from(restored.predict(X))).to.deep.equal(Array.from(model.predict(X)));
      }
    }
  });

  it('passes unknown member types up as a ParameterError naming the type', () => {
    expect(() => createEstimator('stacking', { estimators: [{ type: 'ridge' }, { type: 'ridge2' }] }, 'regression')).to.throw(
      ParameterError,
      /estimators\[1\].*'ridge2'/,
    );
  });

  it('nests an ensemble inside another', () => {
    const { X, yReg } = data(30, 2);
    const inner = { type: 'voting', hyperparameters: { estimators: [{ type: 'ridge' }, { type: 'linear_regression' }] } };
    const model = asEstimator(createEstimator('stacking', { estimators: [inner, { type: 'ridge' }], cv: 3 }, 'regression')).fit(X, yReg);
    const restored = asEstimator(estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON()))));
    expect(Array.from(restored.predict(X))).to.deep.equal(Array.from(model.predict(X)));
  });

  it('mixes tree and linear members', function () {
    expect(MODEL_TYPES).to.include.keys('gradient_boosting', 'decision_tree');
    const { X, yClf } = data(60, 3);
    const estimators: Params[] = [
      { type: 'logistic_regression' },
      { type: 'decision_tree', hyperparameters: { max_depth: 3 } },
      { type: 'xgboost', hyperparameters: { n_estimators: 10, max_depth: 2 } },
    ];
    for (const type of ['voting', 'stacking']) {
      const params: Params = type === 'voting' ? { estimators, voting: 'soft' } : { estimators, cv: 3 };
      const model = asEstimator(createEstimator(type, params, 'classification')).fit(X, yClf);
      if (!isClassifier(model)) throw new Error('expected a classifier');
      const proba = model.predictProba(X);
      expect(proba.cols).to.equal(3);
      let correct = 0;
      const pred = model.predict(X);
      for (let i = 0; i < X.rows; i++) if (pred[i] === yClf[i]) correct++;
      expect(correct / X.rows).to.be.greaterThan(0.6);
      const restored = asEstimator(estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON()))));
      expect(Array.from(restored.predict(X))).to.deep.equal(Array.from(pred));
    }
  });
});
