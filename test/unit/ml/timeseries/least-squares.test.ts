import { expect } from 'chai';
import { leastSquares } from '../../../../src/ml/timeseries/least-squares.js';

describe('leastSquares', () => {
  it('recovers exact coefficients of a consistent overdetermined system', () => {
    // y = 2 - 3 x1 + 0.5 x2
    const rows = 6;
    const A = new Float64Array(rows * 3);
    const b = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const x1 = i * 0.7 - 1;
      const x2 = (i * i) % 5;
      A.set([1, x1, x2], i * 3);
      b[i] = 2 - 3 * x1 + 0.5 * x2;
    }
    const { coef, rank } = leastSquares(A, rows, 3, b);
    expect(rank).to.equal(3);
    expect(coef[0]).to.be.closeTo(2, 1e-12);
    expect(coef[1]).to.be.closeTo(-3, 1e-12);
    expect(coef[2]).to.be.closeTo(0.5, 1e-12);
  });

  it('minimises the residual of an inconsistent system like the normal equations do', () => {
    // fit a line to 4 points: the normal equations give intercept 0.7, slope 1.2
    const A = Float64Array.from([1, 0, 1, 1, 1, 2, 1, 3]);
    const b = Float64Array.from([1, 2, 2, 5]);
    const { coef } = leastSquares(A, 4, 2, b);
    expect(coef[0]).to.be.closeTo(0.7, 1e-12);
    expect(coef[1]).to.be.closeTo(1.2, 1e-12);
  });

  it('gives zero to a column that duplicates another instead of blowing up', () => {
    const A = Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const b = Float64Array.from([3, 3, 3]);
    const { coef, rank } = leastSquares(A, 3, 3, b);
    expect(rank).to.equal(1);
    expect(coef.filter((c) => c === 0)).to.have.length(2);
    expect(coef[0] + coef[1] + coef[2]).to.be.closeTo(3, 1e-12);
  });
});
