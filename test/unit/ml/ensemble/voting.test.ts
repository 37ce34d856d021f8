import { expect } from 'chai';
import { AbortError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import type { Params } from '../../../../src/ml/base/params.js';
import { VotingClassifier, VotingRegressor } from '../../../../src/ml/ensemble/voting.js';
import { LinearRegression } from '../../../../src/ml/linear/linear-regression.js';
import { MODEL_TYPES } from '../../../../src/ml/model-types.js';
import { Ridge } from '../../../../src/ml/linear/ridge.js';
import { ensembleFixture, expectClose, toMatrix } from './ensemble-fixtures.js';

const cases = ensembleFixture().cases.filter((c) => c.type === 'voting');

describe('VotingClassifier and VotingRegressor', () => {
  for (const c of cases) {
    it(`match scikit-learn on the '${c.name}' fixture`, () => {
      const model = c.task === 'classification' ? new VotingClassifier(c.params) : new VotingRegressor(c.params);
      model.fit(toMatrix(c.X), Float64Array.from(c.y));
      const Xt = toMatrix(c.X_test);
      if (c.task === 'classification') {
        expect(Array.from(model.predict(Xt))).to.deep.equal(c.predictions);
      } else {
        expectClose(model.predict(Xt), c.predictions, 1e-8, 1e-8, 'predictions');
      }
      if (c.probabilities) expectClose((model as VotingClassifier).predictProba(Xt).data, c.probabilities.data, 1e-5, 1e-7, 'probabilities');
    });
  }

  it('averages regressors by weight', () => {
    const X = fromRows([[1], [2], [3], [4], [5]]);
    const y = Float64Array.from([1, 3, 2, 5, 4]);
    const spec: Params[] = [{ type: 'linear_regression' }, { type: 'ridge', hyperparameters: { alpha: 5 } }];
    const model = new VotingRegressor({ estimators: spec, weights: [3, 1] }).fit(X, y);
    const ols = new LinearRegression().fit(X, y).predict(X);
    const ridge = new Ridge({ alpha: 5 }).fit(X, y).predict(X);
    expectClose(model.predict(X), Array.from(ols, (v, i) => (3 * v + ridge[i]) / 4), 1e-12, 1e-12, 'predictions');
  });

  it('gives vote shares as probabilities under hard voting', () => {
    const c = cases.find((k) => k.params.voting === 'hard')!;
    const model = new VotingClassifier(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
    const proba = model.predictProba(toMatrix(c.X_test));
    const members = model.estimators.length;
    for (const v of proba.data) expect(Math.round(v * members) / members).to.be.closeTo(v, 1e-12);
  });

  it('rejects an empty estimators list', () => {
    expect(() => new VotingClassifier({ estimators: [] })).to.throw(ParameterError, /'estimators'.*non-empty/);
    expect(() => new VotingRegressor({})).to.throw(ParameterError, /'estimators'/);
  });

  it('rejects an unknown member type naming it', () => {
    expect(() => new VotingRegressor({ estimators: [{ type: 'ridge' }, { type: 'no_such_model' }] })).to.throw(
      ParameterError,
      /estimators\[1\].*no_such_model/,
    );
  });

  it('rejects a member of the wrong task and a bad member hyperparameter', () => {
    expect(() => new VotingClassifier({ estimators: [{ type: 'ridge' }] })).to.throw(ParameterError, /estimators\[0\].*does not support task/);
    expect(() => new VotingRegressor({ estimators: [{ type: 'ridge', hyperparameters: { alpha: -2 } }] })).to.throw(ParameterError, /'alpha'/);
    expect(() => new VotingRegressor({ estimators: [{ type: 'ridge', hyperparams: {} }] })).to.throw(ParameterError, /hyperparams/);
  });

  it('rejects soft voting with a member that has no predictProba', () => {
    // A stand-in classification type without predictProba, registered for this test only.
    MODEL_TYPES.test_labels_only = {
      tasks: ['classification'],
      create: () => ({ ...new LinearRegression(), type: 'test_labels_only', task: 'classification' }) as never,
      fromJSON: () => {
        throw new Error('not used');
      },
    };
    try {
      const estimators = [{ type: 'logistic_regression' }, { type: 'test_labels_only' }];
      expect(() => new VotingClassifier({ estimators, voting: 'soft' })).to.throw(ParameterError, /estimators\[1\].*predictProba/);
      expect(() => new VotingClassifier({ estimators, voting: 'hard' })).to.not.throw();
    } finally {
      delete MODEL_TYPES.test_labels_only;
    }
  });

  it('rejects weights of the wrong length and a voting mode it does not know', () => {
    const estimators = [{ type: 'logistic_regression' }];
    expect(() => new VotingClassifier({ estimators, weights: [1, 2] })).to.throw(ParameterError, /'weights'/);
    expect(() => new VotingClassifier({ estimators, voting: 'majority' })).to.throw(ParameterError, /'voting'/);
  });

  it('throws NotFittedError before fit', () => {
    expect(() => new VotingRegressor({ estimators: [{ type: 'ridge' }] }).predict(fromRows([[1]]))).to.throw(NotFittedError);
  });

  it('stops with AbortError when the signal fires', () => {
    const controller = new AbortController();
    controller.abort();
    const model = new VotingRegressor({ estimators: [{ type: 'ridge' }] });
    expect(() => model.fit(fromRows([[1], [2]]), Float64Array.from([1, 2]), { signal: controller.signal })).to.throw(AbortError);
  });

  it('saves members nested in its JSON and restores the same predictions', () => {
    for (const c of cases) {
      const model = c.task === 'classification' ? new VotingClassifier(c.params) : new VotingRegressor(c.params);
      model.fit(toMatrix(c.X), Float64Array.from(c.y));
      const text = JSON.stringify(model.toJSON());
      const json = JSON.parse(text);
      expect(json.state.members).to.have.length((c.params.estimators as unknown[]).length);
      expect(json.state.members[0].format).to.equal('trainyard.estimator');
      const restored = c.task === 'classification' ? VotingClassifier.fromJSON(json) : VotingRegressor.fromJSON(json);
      const Xt = toMatrix(c.X_test);
      expect(Array.from(restored.predict(Xt))).to.deep.equal(Array.from(model.predict(Xt)));
      const again = c.task === 'classification' ? new VotingClassifier(c.params) : new VotingRegressor(c.params);
      expect(JSON.stringify(again.fit(toMatrix(c.X), Float64Array.from(c.y)).toJSON())).to.equal(text);
    }
  });

  it('rejects a saved member that is not the model its spec names', () => {
    const X = fromRows([[1], [2], [3]]);
    const y = Float64Array.from([1, 2, 4]);
    const json = new VotingRegressor({ estimators: [{ type: 'ridge' }] }).fit(X, y).toJSON();
    const other = new LinearRegression().fit(X, y).toJSON();
    const bad = { ...json, state: { ...(json.state as object), members: [other] } };
    expect(() => VotingRegressor.fromJSON(bad)).to.throw(ParameterError, /members\[0\]/);
  });

  it('clones to an unfitted copy whose params do not share state', () => {
    const params = { estimators: [{ type: 'ridge', hyperparameters: { alpha: 2 } }], weights: null };
    const model = new VotingRegressor(params);
    const copy = model.clone();
    expect(copy.getParams()).to.deep.equal(params);
    (copy.getParams().estimators[0] as { type: string }).type = 'changed';
    expect(copy.getParams()).to.deep.equal(params);
    expect(copy.isFitted).to.equal(false);
  });
});
