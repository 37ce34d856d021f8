import { expect } from 'chai';
import { minimizeLbfgs } from '../../../../src/ml/linear/lbfgs.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const a = 1 - x[0];
        const b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
      },
      Float64Array.from([-1.2, 1]),
      { maxIter: 500, gtol: 1e-10 },
    );
    expect(result.converged).to.equal(true);
    expect(result.x[0]).to.be.closeTo(1, 1e-6);
    expect(result.x[1]).to.be.closeTo(1, 1e-6);
  });

  it('solves an ill-scaled quadratic', () => {
    const scales = [1, 10, 100, 1000];
    const result = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const d = x[i] - (i + 1);
          f += 0.5 * scales[i] * d * d;
          g[i] = scales[i] * d;
        }
        return f;
      },
      new Float64Array(4),
      { maxIter: 200, gtol: 1e-9 },
    );
    expect(Array.from(result.x).map((v) => Math.round(v * 1e6) / 1e6)).to.deep.equal([1, 2, 3, 4]);
  });

  it('stops at maxIter and says it did not converge', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const a = 1 - x[0];
        const b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
      },
      Float64Array.from([-1.2, 1]),
      { maxIter: 3, gtol: 1e-10 },
    );
    expect(result.nIter).to.equal(3);
    expect(result.converged).to.equal(false);
  });

  it('returns the start with zero iterations when the gradient is already small', () => {
    const result = minimizeLbfgs((_x, g) => {
      g.fill(0);
      return 0;
    }, Float64Array.from([3]), { maxIter: 10, gtol: 1e-4 });
    expect(result.nIter).to.equal(0);
    expect(result.x[0]).to.equal(3);
  });
});
