import { expect } from 'chai';
import { ParameterError } from '../../../../src/ml/base/errors.js';
import { isClassifier } from '../../../../src/ml/base/estimator.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { createEstimator, estimatorFromJSON, getModelType } from '../../../../src/ml/model-types.js';
import { linearModelTypes } from '../../../../src/ml/linear/model-types.js';

describe('linearModelTypes', () => {
  it('registers linear_regression, ridge and logistic_regression, all wanting scaled features', () => {
    for (const name of ['linear_regression', 'ridge', 'logistic_regression']) {
      expect(getModelType(name)).to.equal(linearModelTypes[name]);
      expect(linearModelTypes[name].wantsScaling).to.equal(true);
    }
  });

  it('builds regressors for regression and refuses them for classification', () => {
    expect(createEstimator('ridge', { alpha: 2 }, 'regression').type).to.equal('ridge');
    expect(() => createEstimator('linear_regression', {}, 'classification')).to.throw(ParameterError, /does not support task/);
    expect(() => createEstimator('logistic_regression', {}, 'regression')).to.throw(ParameterError, /does not support task/);
  });

  it('restores each fitted type through estimatorFromJSON', () => {
    const X = fromRows([[0, 1], [1, 0], [2, 2], [3, 1], [4, 3], [5, 2]]);
    const y = Float64Array.from([0, 0, 1, 0, 1, 1]);
    for (const [type, task] of [['linear_regression', 'regression'], ['ridge', 'regression'], ['logistic_regression', 'classification']] as const) {
      const model = createEstimator(type, {}, task);
      if (model.task === 'timeseries') throw new Error('unexpected forecaster');
      model.fit(X, y);
      const restored = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      if (restored.task === 'timeseries') throw new Error('unexpected forecaster');
      expect(restored.type).to.equal(type);
      expect(Array.from(restored.predict(X))).to.deep.equal(Array.from(model.predict(X)));
      expect(isClassifier(restored)).to.equal(task === 'classification');
    }
  });

  it('passes hyperparameter errors through createEstimator', () => {
    expect(() => createEstimator('logistic_regression', { C: -1 }, 'classification')).to.throw(ParameterError, /'C'/);
  });
});
