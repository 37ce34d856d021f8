import { expect } from 'chai';
import { Rng } from '../../../../src/ml/base/random.js';
import { solveLeastSquares } from '../../../../src/ml/linear/least-squares.js';
import { solveNormalEquations } from '../../../../src/ml/linear/normal-equations.js';
import { LinearRegression } from '../../../../src/ml/linear/linear-regression.js';
import { expectClose } from './linear-fixtures.js';

function problem(n: number, p: number, seed: number, scales: number[]) {
  const rng = new Rng(seed);
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = rng.normal() * scales[j];
    y[i] = rng.normal();
  }
  return { X: { rows: n, cols: p, data }, y };
}

function viaQR(X: { rows: number; cols: number; data: Float64Array }, y: Float64Array): Float64Array {
  const a = new Float64Array(X.rows * X.cols);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) a[j * X.rows + i] = X.data[i * X.cols + j];
  return solveLeastSquares(a, X.rows, X.cols, Float64Array.from(y)).x;
}

describe('solveNormalEquations', () => {
  it('agrees with pivoted QR on features of wildly different scales', () => {
    const { X, y } = problem(50, 4, 5, [1e-4, 1, 1e3, 1e6]);
    const fast = solveNormalEquations(X, new Float64Array(4), y, 0, 0);
    expect(fast).to.not.equal(null);
    const qr = viaQR(X, y);
    for (let j = 0; j < 4; j++) expect(fast!.coef[j]).to.be.closeTo(qr[j], 1e-10 * Math.abs(qr[j]));
  });

  it('declines nearly collinear features so the caller falls back to QR', () => {
    const { X, y } = problem(40, 2, 6, [1, 1]);
    for (let i = 0; i < 40; i++) X.data[i * 2 + 1] = X.data[i * 2] + 1e-9 * Math.sin(i);
    expect(solveNormalEquations(X, new Float64Array(2), y, 0, 0)).to.equal(null);
    // but ridge keeps the system well-posed
    expect(solveNormalEquations(X, new Float64Array(2), y, 0, 1)).to.not.equal(null);
  });

  it('gives a constant feature (rounding noise after centring) a zero coefficient', () => {
    const rng = new Rng(8);
    const rows = Array.from({ length: 30 }, () => [rng.normal(), 0.1, rng.normal()]);
    const X = { rows: 30, cols: 3, data: Float64Array.from(rows.flat()) };
    const y = Float64Array.from(rows, (r) => 2 * r[0] - r[2] + 0.01 * rng.normal());
    const model = new LinearRegression().fit(X, y);
    expect(model.coef[1]).to.equal(0);
    expectClose([model.coef[0], model.coef[2]], [2, -1], 0, 0.02, 'coef');
    expect(model.rank).to.equal(2);
  });
});
