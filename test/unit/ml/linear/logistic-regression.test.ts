import { expect } from 'chai';
import { AbortError, DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { LogisticRegression } from '../../../../src/ml/linear/logistic-regression.js';
import { expectClose, linearFixture, toMatrix } from './linear-fixtures.js';

describe('LogisticRegression', () => {
  for (const c of linearFixture().classification) {
    it(`matches scikit-learn's optimum on the '${c.name}' fixture`, () => {
      // A tight tol so both sides sit at the optimum; the fixture's
      // reference is solved to a gradient below 1e-7.
      const model = new LogisticRegression({ ...c.params, tol: 1e-9, max_iter: 1000 }).fit(toMatrix(c.X), Float64Array.from(c.y));
      expect(model.converged).to.equal(true);
      expect(Array.from(model.classes)).to.deep.equal(c.classes);
      expectClose(model.coef, c.coef.data, 1e-5, 1e-6, 'coef');
      expectClose(model.intercept, c.intercept, 1e-5, 1e-6, 'intercept');
      const Xt = toMatrix(c.X_test);
      expect(Array.from(model.predict(Xt))).to.deep.equal(c.predictions);
      const proba = model.predictProba(Xt);
      expect([proba.rows, proba.cols]).to.deep.equal([c.probabilities.rows, c.probabilities.cols]);
      expectClose(proba.data, c.probabilities.data, 1e-5, 1e-7, 'probabilities');
    });
  }

  it('agrees with scikit-learn to 1e-4 relative with the default tol and max_iter', () => {
    for (const c of linearFixture().classification) {
      const model = new LogisticRegression(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
      const scale = Math.max(1, ...c.coef.data.map(Math.abs));
      expectClose(model.coef, c.coef.data, 0, 1e-4 * scale, `${c.name} coef`);
    }
  });

  it('gives probability rows that sum to one', () => {
    const c = linearFixture().classification.find((k) => k.classes.length > 2)!;
    const model = new LogisticRegression(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
    const proba = model.predictProba(toMatrix(c.X_test));
    for (let i = 0; i < proba.rows; i++) {
      let s = 0;
      for (let k = 0; k < proba.cols; k++) s += proba.data[i * proba.cols + k];
      expect(s).to.be.closeTo(1, 1e-12);
    }
  });

  it('rejects a target with a single class with a DataError', () => {
    expect(() => new LogisticRegression().fit(fromRows([[1], [2], [3]]), Float64Array.from([4, 4, 4]))).to.throw(DataError, /one class/);
  });

  it('rejects NaN in X with a DataError', () => {
    expect(() => new LogisticRegression().fit(fromRows([[1], [NaN]]), Float64Array.from([0, 1]))).to.throw(DataError, /NaN/);
  });

  it('rejects bad hyperparameters naming them', () => {
    expect(() => new LogisticRegression({ C: 0 })).to.throw(ParameterError, /The 'C' parameter of LogisticRegression must be a float > 0. Got 0 instead./);
    expect(() => new LogisticRegression({ max_iter: 1.5 })).to.throw(ParameterError, /'max_iter'/);
    expect(() => new LogisticRegression({ penalty: 'l1' })).to.throw(ParameterError, /'penalty'/);
    expect(() => new LogisticRegression({ multi_class: 'both' })).to.throw(ParameterError, /'multi_class'/);
    expect(() => new LogisticRegression({ solver: 'saga' })).to.throw(ParameterError, /solver/);
  });

  it('throws NotFittedError before fit', () => {
    expect(() => new LogisticRegression().predictProba(fromRows([[1]]))).to.throw(NotFittedError);
  });

  it('reports not converged when max_iter stops it early', () => {
    const c = linearFixture().classification[0];
    const model = new LogisticRegression({ max_iter: 1 }).fit(toMatrix(c.X), Float64Array.from(c.y));
    expect(model.converged).to.equal(false);
    expect(model.nIter).to.deep.equal([1]);
  });

  it('stops with AbortError when the signal fires', () => {
    const c = linearFixture().classification[0];
    const controller = new AbortController();
    controller.abort();
    expect(() => new LogisticRegression().fit(toMatrix(c.X), Float64Array.from(c.y), { signal: controller.signal })).to.throw(AbortError);
  });

  it('reports progress per iteration', () => {
    const c = linearFixture().classification[0];
    const steps: number[] = [];
    const model = new LogisticRegression().fit(toMatrix(c.X), Float64Array.from(c.y), { onProgress: (p) => steps.push(p.step) });
    expect(steps.length).to.equal(model.nIter[0]);
    expect(steps[0]).to.equal(1);
  });

  it('round-trips through JSON to identical probabilities, and refits byte for byte', () => {
    const c = linearFixture().classification.find((k) => k.classes.length > 2)!;
    const model = new LogisticRegression(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
    const text = JSON.stringify(model.toJSON());
    const restored = LogisticRegression.fromJSON(JSON.parse(text));
    const Xt = toMatrix(c.X_test);
    expect(Array.from(restored.predictProba(Xt).data)).to.deep.equal(Array.from(model.predictProba(Xt).data));
    expect(Array.from(restored.classes)).to.deep.equal(c.classes);
    const again = new LogisticRegression(c.params).fit(toMatrix(c.X), Float64Array.from(c.y));
    expect(JSON.stringify(again.toJSON())).to.equal(text);
  });

  it('rejects saved state with unsorted classes or a short coefficient array', () => {
    const c = linearFixture().classification[0];
    const json = new LogisticRegression().fit(toMatrix(c.X), Float64Array.from(c.y)).toJSON();
    const state = json.state as Record<string, unknown>;
    expect(() => LogisticRegression.fromJSON({ ...json, state: { ...state, classes: [1, 0] } })).to.throw(ParameterError, /classes/);
    expect(() => LogisticRegression.fromJSON({ ...json, state: { ...state, coef: [1] } })).to.throw(ParameterError, /coef/);
  });
});
