import { expect } from 'chai';
import { Rng } from '../../../../src/ml/base/random.js';
import { jacobiSvd, solveLeastSquares } from '../../../../src/ml/linear/least-squares.js';
import { expectClose } from './linear-fixtures.js';

/** Column-major random m×n matrix. */
function randomMatrix(rng: Rng, m: number, n: number): Float64Array {
  return Float64Array.from({ length: m * n }, () => rng.normal());
}

describe('solveLeastSquares', () => {
  it('leaves a residual orthogonal to every column on a tall full-rank system', () => {
    const rng = new Rng(3);
    const m = 30;
    const n = 5;
    const a = randomMatrix(rng, m, n);
    const b = Float64Array.from({ length: m }, () => rng.normal());
    const { x, rank } = solveLeastSquares(Float64Array.from(a), m, n, Float64Array.from(b));
    expect(rank).to.equal(n);
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = 0; i < m; i++) {
        let r = b[i];
        for (let k = 0; k < n; k++) r -= a[k * m + i] * x[k];
        dot += a[j * m + i] * r;
      }
      expect(Math.abs(dot)).to.be.below(1e-10);
    }
  });

  it('returns the minimum-norm solution of an underdetermined system', () => {
    // x + y = 2 has minimum-norm solution (1, 1).
    const { x, rank } = solveLeastSquares(Float64Array.from([1, 1]), 1, 2, Float64Array.from([2]));
    expect(rank).to.equal(1);
    expectClose(x, [1, 1], 1e-12, 1e-12, 'x');
  });

  it('returns zeros for an all-zero matrix', () => {
    const { x, rank } = solveLeastSquares(new Float64Array(6), 3, 2, Float64Array.from([1, 2, 3]));
    expect(rank).to.equal(0);
    expect(Array.from(x)).to.deep.equal([0, 0]);
  });
});

describe('jacobiSvd', () => {
  it('reconstructs A from W = U·S and V', () => {
    const rng = new Rng(11);
    const m = 6;
    const n = 4;
    const a = randomMatrix(rng, m, n);
    const { w, v } = jacobiSvd(a, m, n);
    // A = W Vᵀ
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += w[k * m + i] * v[k * n + j];
        expect(s).to.be.closeTo(a[j * m + i], 1e-12);
      }
    }
  });
});
