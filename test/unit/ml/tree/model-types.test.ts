import { expect } from 'chai';
import type { Classifier, Estimator, EstimatorJSON } from '../../../../src/ml/base/estimator.js';
import { createEstimator, estimatorFromJSON, getModelType } from '../../../../src/ml/model-types.js';
import { treeModelTypes } from '../../../../src/ml/tree/model-types.js';
import { binaryData } from './tree-fixtures.js';

describe('tree model types', () => {
  it('registers gradient_boosting, decision_tree and random_forest, handling missing values', () => {
    for (const type of ['gradient_boosting', 'decision_tree', 'random_forest']) {
      expect(treeModelTypes[type].tasks).to.deep.equal(['classification', 'regression']);
      expect(treeModelTypes[type].handlesMissing).to.equal(true);
      expect(getModelType(type)).to.equal(treeModelTypes[type]);
    }
    expect(getModelType('xgboost')).to.equal(treeModelTypes.gradient_boosting);
  });

  it('builds the seed config model through the xgboost alias and restores it from JSON', () => {
    const { X, y } = binaryData(80, 3, 1);
    const model = createEstimator('xgboost', { learning_rate: 0.1, max_depth: 6, n_estimators: 10 }, 'classification') as Classifier;
    expect(model.type).to.equal('gradient_boosting');
    model.fit(X, y);
    const loaded = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON) as Classifier;
    expect(loaded.task).to.equal('classification');
    expect(Array.from(loaded.predictProba(X).data)).to.deep.equal(Array.from(model.predictProba(X).data));
  });

  it('restores regressors of every type to their own class', () => {
    const { X, y } = binaryData(60, 3, 2);
    for (const type of ['gradient_boosting', 'decision_tree', 'random_forest']) {
      const model = createEstimator(type, type === 'decision_tree' ? {} : { n_estimators: 3 }, 'regression') as Estimator;
      model.fit(X, y);
      const loaded = estimatorFromJSON(model.toJSON()) as Estimator;
      expect(loaded.constructor).to.equal(model.constructor);
      expect(Array.from(loaded.predict(X))).to.deep.equal(Array.from(model.predict(X)));
    }
  });

  it('rejects the timeseries task', () => {
    expect(() => treeModelTypes.random_forest.create({}, 'timeseries')).to.throw(/does not support task 'timeseries'/);
  });
});
