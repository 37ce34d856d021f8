import { expect } from 'chai';
import { minimizeBounded } from '../../../../src/ml/timeseries/nelder-mead.js';

describe('minimizeBounded', () => {
  it('finds the minimum of the Rosenbrock function inside the box', () => {
    const rosen = (x: Float64Array): number => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
    const r = minimizeBounded(rosen, [-1, 2], [-2, -2], [2, 3], { maxEvaluations: 2000 });
    expect(r.x[0]).to.be.closeTo(1, 1e-3);
    expect(r.x[1]).to.be.closeTo(1, 1e-3);
  });

  it('stops on the bound when the unconstrained minimum lies outside', () => {
    const r = minimizeBounded((x) => (x[0] + 1) ** 2 + (x[1] - 0.3) ** 2, [0.5, 0.5], [0, 0], [1, 1]);
    expect(r.x[0]).to.equal(0);
    expect(r.x[1]).to.be.closeTo(0.3, 1e-4);
  });

  it('treats a non-finite objective as worse than any finite value', () => {
    const r = minimizeBounded((x) => (x[0] > 0.5 ? NaN : (x[0] - 0.4) ** 2), [0.2], [0], [1]);
    expect(r.x[0]).to.be.closeTo(0.4, 1e-4);
    expect(Number.isFinite(r.value)).to.equal(true);
  });
});
