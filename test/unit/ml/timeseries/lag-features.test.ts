import { expect } from 'chai';
import { lagMatrix } from '../../../../src/ml/timeseries/lag-features.js';

describe('lagMatrix', () => {
  it('builds lags, rolling mean and sample std, and the time index per row', () => {
    const y = Float64Array.from([1, 2, 4, 7, 11, 16]);
    const { X, target } = lagMatrix({ lags: 2, windows: [3], timeIndex: true }, y);
    expect(X.rows).to.equal(3);
    expect(X.cols).to.equal(5);
    expect(Array.from(target)).to.deep.equal([7, 11, 16]);
    // row for y[3] = 7: lags 4, 2; window [1, 2, 4] has mean 7/3 and sample std sqrt(7/3)
    const first = Array.from(X.data.subarray(0, 5));
    expect(first[0]).to.equal(4);
    expect(first[1]).to.equal(2);
    expect(first[2]).to.be.closeTo(2.333333333, 1e-9);
    expect(first[3]).to.be.closeTo(1.527525232, 1e-9);
    expect(first[4]).to.equal(3);
    // row for y[5] = 16: window [4, 7, 11] has mean 22/3 and sample std sqrt(37/3)
    expect(X.data[12]).to.be.closeTo(7.333333333, 1e-9);
    expect(X.data[13]).to.be.closeTo(3.511884584, 1e-9);
  });
});
