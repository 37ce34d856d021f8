import { expect } from 'chai';
import { DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { LinearRegression } from '../../../../src/ml/linear/linear-regression.js';
import { expectClose, linearFixture, toMatrix } from './linear-fixtures.js';

describe('LinearRegression', () => {
  for (const c of linearFixture().regression.filter((r) => r.type === 'linear_regression')) {
    it(`matches scikit-learn on the '${c.name}' fixture`, () => {
      const model = new LinearRegression(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
      expectClose(model.coef, c.coef, 1e-8, 1e-8, 'coef');
      expectClose([model.intercept], [c.intercept], 1e-8, 1e-8, 'intercept');
      expectClose(model.predict(toMatrix(c.X_test)), c.predictions, 1e-8, 1e-8, 'predictions');
    });
  }

  it('recovers an exact linear relation', () => {
    const X = fromRows([[1, 2], [2, 0], [3, 5], [4, 1], [5, 3]]);
    const y = Float64Array.from({ length: 5 }, (_, i) => 3 * X.data[2 * i] - 2 * X.data[2 * i + 1] + 7);
    const model = new LinearRegression().fit(X, y);
    expectClose(model.coef, [3, -2], 1e-12, 1e-12, 'coef');
    expect(model.intercept).to.be.closeTo(7, 1e-12);
    expect(model.rank).to.equal(2);
  });

  it('splits a duplicated feature evenly (minimum-norm solution) and reports the lower rank', () => {
    const base = [0.5, -1.2, 2.2, 0.1, 3.3, -0.7];
    const X = fromRows(base.map((v) => [v, v]));
    const y = Float64Array.from(base, (v) => 4 * v + 1);
    const model = new LinearRegression().fit(X, y);
    expectClose(model.coef, [2, 2], 1e-10, 1e-10, 'coef');
    expect(model.rank).to.equal(1);
  });

  it('fits a constant feature without blowing up', () => {
    const X = fromRows([[1, 5], [2, 5], [3, 5], [4, 5]]);
    const y = Float64Array.from([2, 4, 6, 8]);
    const model = new LinearRegression().fit(X, y);
    expectClose(model.coef, [2, 0], 1e-12, 1e-12, 'coef');
    expect(model.intercept).to.be.closeTo(0, 1e-12);
  });

  it('rejects NaN and infinity in X with a DataError', () => {
    const y = Float64Array.from([1, 2, 3]);
    expect(() => new LinearRegression().fit(fromRows([[1], [NaN], [3]]), y)).to.throw(DataError, /NaN/);
    expect(() => new LinearRegression().fit(fromRows([[1], [Infinity], [3]]), y)).to.throw(DataError, /infinity/);
  });

  it('throws NotFittedError when predicting before fit', () => {
    expect(() => new LinearRegression().predict(fromRows([[1]]))).to.throw(NotFittedError);
  });

  it('rejects a predict-time X with a different feature count', () => {
    const model = new LinearRegression().fit(fromRows([[1, 2], [2, 1], [3, 3]]), Float64Array.from([1, 2, 3]));
    expect(() => model.predict(fromRows([[1]]))).to.throw(DataError, /features/);
  });

  it('rejects an unknown parameter and a non-boolean fit_intercept naming the parameter', () => {
    expect(() => new LinearRegression({ normalize: true })).to.throw(ParameterError, /normalize/);
    expect(() => new LinearRegression({ fit_intercept: 'yes' })).to.throw(ParameterError, /'fit_intercept'/);
  });

  it('round-trips through JSON to the same predictions and serialises deterministically', () => {
    const c = linearFixture().regression[0];
    const model = new LinearRegression(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    const restored = LinearRegression.fromJSON(json);
    expect(Array.from(restored.predict(toMatrix(c.X_test)))).to.deep.equal(Array.from(model.predict(toMatrix(c.X_test))));
    const again = new LinearRegression(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
    expect(JSON.stringify(again.toJSON())).to.equal(JSON.stringify(model.toJSON()));
  });

  it('rejects saved state whose coefficients are not finite numbers', () => {
    const model = new LinearRegression().fit(fromRows([[1], [2], [3]]), Float64Array.from([1, 2, 4]));
    const json = model.toJSON();
    const bad = { ...json, state: { ...(json.state as object), coef: [null] } };
    expect(() => LinearRegression.fromJSON(bad)).to.throw(ParameterError, /coef/);
    expect(() => LinearRegression.fromJSON({ ...json, type: 'ridge' })).to.throw(ParameterError, /type/);
  });

  it('clones to an unfitted copy with the same parameters', () => {
    const model = new LinearRegression({ fit_intercept: false }).fit(fromRows([[1], [2]]), Float64Array.from([1, 2]));
    const copy = model.clone();
    expect(copy.getParams()).to.deep.equal({ fit_intercept: false });
    expect(copy.isFitted).to.equal(false);
  });
});
