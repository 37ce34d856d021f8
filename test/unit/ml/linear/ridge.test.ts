import { expect } from 'chai';
import { DataError, ParameterError } from '../../../../src/ml/base/errors.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { LinearRegression } from '../../../../src/ml/linear/linear-regression.js';
import { Ridge } from '../../../../src/ml/linear/ridge.js';
import { expectClose, linearFixture, toMatrix } from './linear-fixtures.js';

describe('Ridge', () => {
  for (const c of linearFixture().regression.filter((r) => r.type === 'ridge')) {
    it(`matches scikit-learn on the '${c.name}' fixture`, () => {
      const model = new Ridge(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
      expectClose(model.coef, c.coef, 1e-8, 1e-8, 'coef');
      expectClose([model.intercept], [c.intercept], 1e-8, 1e-8, 'intercept');
      expectClose(model.predict(toMatrix(c.X_test)), c.predictions, 1e-8, 1e-8, 'predictions');
    });
  }

  it('does not penalise the intercept: a constant target gives zero coefficients and that constant', () => {
    const X = fromRows([[1, 4], [2, -1], [3, 0], [4, 2]]);
    const model = new Ridge({ alpha: 100 }).fit(X, Float64Array.from([5, 5, 5, 5]));
    expectClose(model.coef, [0, 0], 0, 1e-12, 'coef');
    expect(model.intercept).to.be.closeTo(5, 1e-12);
  });

  it('shrinks the coefficients more as alpha grows', () => {
    const c = linearFixture().regression[0];
    const norm = (alpha: number): number => {
      const w = new Ridge({ alpha }).fit(toMatrix(c.X), Float64Array.from(c.y)).coef;
      return Math.hypot(...w);
    };
    expect(norm(1)).to.be.greaterThan(norm(100));
    expect(norm(100)).to.be.greaterThan(norm(10000));
  });

  it('equals ordinary least squares when alpha is 0', () => {
    const c = linearFixture().regression[0];
    const ridge = new Ridge({ alpha: 0 }).fit(toMatrix(c.X), Float64Array.from(c.y));
    const ols = new LinearRegression().fit(toMatrix(c.X), Float64Array.from(c.y));
    expectClose(ridge.coef, ols.coef, 1e-10, 1e-10, 'coef');
  });

  it('rejects a negative alpha naming the parameter', () => {
    expect(() => new Ridge({ alpha: -1 })).to.throw(ParameterError, /The 'alpha' parameter of Ridge must be a float >= 0. Got -1 instead./);
    expect(() => new Ridge({ alpha: 'big' })).to.throw(ParameterError, /'alpha'/);
  });

  it('rejects a target with NaN', () => {
    expect(() => new Ridge().fit(fromRows([[1], [2]]), Float64Array.from([1, NaN]))).to.throw(DataError, /target/);
  });

  it('round-trips through JSON', () => {
    const c = linearFixture().regression.find((r) => r.type === 'ridge')!;
    const model = new Ridge(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
    const restored = Ridge.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.getParams()).to.deep.equal(model.getParams());
    expect(Array.from(restored.predict(toMatrix(c.X_test)))).to.deep.equal(Array.from(model.predict(toMatrix(c.X_test))));
  });

  it('restores an unfitted model as unfitted', () => {
    const restored = Ridge.fromJSON(new Ridge({ alpha: 3 }).toJSON());
    expect(restored.isFitted).to.equal(false);
    expect(restored.getParams().alpha).to.equal(3);
  });
});
