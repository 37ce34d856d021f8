import { expect } from 'chai';
import { AbortError, DataError, ParameterError } from '../../../../src/ml/base/errors.js';
import type { FitProgress } from '../../../../src/ml/base/estimator.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { StackingClassifier, StackingRegressor } from '../../../../src/ml/ensemble/stacking.js';
import { ensembleFixture, expectClose, toMatrix, type EnsembleCase } from './ensemble-fixtures.js';

const cases = ensembleFixture().cases.filter((c) => c.type === 'stacking');

function build(c: EnsembleCase): StackingClassifier | StackingRegressor {
  return c.task === 'classification' ? new StackingClassifier(c.params) : new StackingRegressor(c.params);
}

describe('StackingClassifier and StackingRegressor', () => {
  for (const c of cases) {
    it(`match scikit-learn on the '${c.name}' fixture`, () => {
      const model = build(c).fit(toMatrix(c.X), Float64Array.from(c.y));
      const Xt = toMatrix(c.X_test);
      if (c.task === 'classification') {
        expect(Array.from(model.predict(Xt))).to.deep.equal(c.predictions);
        expectClose((model as StackingClassifier).predictProba(Xt).data, c.probabilities!.data, 1e-4, 1e-6, 'probabilities');
      } else {
        expectClose(model.predict(Xt), c.predictions, 1e-8, 1e-8, 'predictions');
      }
    });
  }

  it('feeds the final estimator one column per member for two classes and one per class otherwise', () => {
    for (const c of cases.filter((k) => k.task === 'classification' && k.params.stack_method === undefined)) {
      const model = build(c).fit(toMatrix(c.X), Float64Array.from(c.y)) as StackingClassifier;
      const k = model.classes.length;
      const members = (c.params.estimators as unknown[]).length;
      expect(model.transform(toMatrix(c.X_test)).cols).to.equal(members * (k === 2 ? 1 : k));
    }
  });

  it('defaults the final estimator to ridge for regression and logistic_regression for classification', () => {
    expect(new StackingRegressor({ estimators: [{ type: 'linear_regression' }] }).clone().getParams().final_estimator).to.equal(null);
    const X = fromRows([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]);
    const reg = new StackingRegressor({ estimators: [{ type: 'linear_regression' }] }).fit(X, Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(reg.finalEstimator.type).to.equal('ridge');
    const clf = new StackingClassifier({ estimators: [{ type: 'logistic_regression' }] }).fit(X, Float64Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]));
    expect(clf.finalEstimator.type).to.equal('logistic_regression');
  });

  it('reports progress for every fold fit, refit and the final fit', () => {
    const c = cases.find((k) => k.task === 'regression')!;
    const seen: FitProgress[] = [];
    build(c).fit(toMatrix(c.X), Float64Array.from(c.y), { onProgress: (p) => seen.push(p) });
    const members = (c.params.estimators as unknown[]).length;
    const total = members * ((c.params.cv as number) + 1) + 1;
    expect(seen.map((p) => p.step)).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    expect(seen.every((p) => p.total === total)).to.equal(true);
  });

  it('stops with AbortError when the signal fires', () => {
    const c = cases[0];
    const controller = new AbortController();
    controller.abort();
    expect(() => build(c).fit(toMatrix(c.X), Float64Array.from(c.y), { signal: controller.signal })).to.throw(AbortError);
  });

  it('shuffles folds reproducibly when random_state is set', () => {
    const c = cases.find((k) => k.task === 'regression')!;
    const params = { ...c.params, random_state: 3 };
    const a = JSON.stringify(new StackingRegressor(params).fit(toMatrix(c.X), Float64Array.from(c.y)).toJSON());
    const b = JSON.stringify(new StackingRegressor(params).fit(toMatrix(c.X), Float64Array.from(c.y)).toJSON());
    const unshuffled = JSON.stringify(new StackingRegressor(c.params).fit(toMatrix(c.X), Float64Array.from(c.y)).toJSON());
    expect(a).to.equal(b);
    expect(a).to.not.equal(unshuffled);
  });

  it('rejects bad hyperparameters naming them', () => {
    const estimators = [{ type: 'ridge' }];
    expect(() => new StackingRegressor({ estimators: [] })).to.throw(ParameterError, /'estimators'/);
    expect(() => new StackingRegressor({ estimators, cv: 1 })).to.throw(ParameterError, /'cv'/);
    expect(() => new StackingRegressor({ estimators, final_estimator: { type: 'logistic_regression' } })).to.throw(ParameterError, /final_estimator.*does not support task/);
    expect(() => new StackingRegressor({ estimators, final_estimator: { type: 'mystery' } })).to.throw(ParameterError, /final_estimator.*mystery/);
    expect(() => new StackingRegressor({ estimators, stack_method: 'predict' })).to.throw(ParameterError, /stack_method/);
    expect(() => new StackingClassifier({ estimators: [{ type: 'logistic_regression' }], stack_method: 'vote' })).to.throw(ParameterError, /'stack_method'/);
  });

  it('rejects data with fewer rows than folds, naming cv', () => {
    expect(() => new StackingRegressor({ estimators: [{ type: 'ridge' }] }).fit(fromRows([[1], [2], [3]]), Float64Array.from([1, 2, 3]))).to.throw(DataError, /cv=5/);
  });

  it('rejects a class with fewer rows than folds before fitting any member', () => {
    const X = fromRows([[0], [1], [2], [3], [4], [5], [6], [7]]);
    const y = Float64Array.from([0, 0, 0, 0, 0, 1, 1, 1]);
    let fits = 0;
    expect(() => new StackingClassifier({ estimators: [{ type: 'logistic_regression' }], cv: 4 }).fit(X, y, { onProgress: () => fits++ })).to.throw(DataError, /cv=4/);
    expect(fits).to.equal(0);
  });

  it('round-trips through JSON with nested members and final estimator', () => {
    for (const c of cases) {
      const model = build(c).fit(toMatrix(c.X), Float64Array.from(c.y));
      const json = JSON.parse(JSON.stringify(model.toJSON()));
      expect(json.state.final.format).to.equal('trainyard.estimator');
      const restored = c.task === 'classification' ? StackingClassifier.fromJSON(json) : StackingRegressor.fromJSON(json);
      const Xt = toMatrix(c.X_test);
      expect(Array.from(restored.predict(Xt))).to.deep.equal(Array.from(model.predict(Xt)));
      if (c.task === 'classification') {
        expect(Array.from((restored as StackingClassifier).predictProba(Xt).data)).to.deep.equal(Array.from((model as StackingClassifier).predictProba(Xt).data));
      }
    }
  });

  it('rejects a saved state with the wrong number of members', () => {
    const c = cases[0];
    const json = build(c).fit(toMatrix(c.X), Float64Array.from(c.y)).toJSON();
    const state = json.state as { members: unknown[] };
    const bad = { ...json, state: { ...state, members: state.members.slice(1) } };
    expect(() => (c.task === 'classification' ? StackingClassifier : StackingRegressor).fromJSON(bad)).to.throw(ParameterError, /members/);
  });
});
