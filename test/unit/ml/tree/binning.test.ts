import { expect } from 'chai';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import { Rng } from '../../../../src/ml/base/random.js';
import { binMatrix, binOf, quantileCuts, sortFloat64 } from '../../../../src/ml/tree/binning.js';
import { binMatrixOnThreads } from '../../../../src/ml/tree/tree-pool.js';

describe('binning', () => {
  it('gives each distinct value its own bin when there are few, cutting midway', () => {
    expect(Array.from(quantileCuts(Float64Array.from([1, 1, 2, 4, 4, 4]), 255))).to.deep.equal([1.5, 3]);
  });

  it('caps the bins at max_bin with about equal counts', () => {
    const rng = new Rng(1);
    const v = new Float64Array(10000).map(() => rng.normal()).sort();
    const cuts = quantileCuts(v, 16);
    expect(cuts.length).to.be.at.most(15);
    const counts = new Array(cuts.length + 1).fill(0);
    for (const x of v) counts[binOf(cuts, x)]++;
    for (const c of counts) expect(c).to.be.within(500, 760);
  });

  it('stores bins column-major with NaN in a missing bin after the value bins', () => {
    const X = fromRows([
      [1, 10],
      [Number.NaN, 20],
      [3, 10],
    ]);
    const b = binMatrix(X, 255);
    expect(Array.from(b.nBins)).to.deep.equal([2, 2]);
    // column 0 then column 1
    expect(Array.from(b.codes)).to.deep.equal([0, 2, 1, 0, 1, 0]);
    expect(Array.from(b.hasMissing)).to.deep.equal([1, 0]);
    expect(Array.from(b.offsets)).to.deep.equal([0, 3, 6]);
  });

  it('agrees with the raw threshold rule: bin <= b exactly when x <= cut b', () => {
    const rng = new Rng(2);
    const v = new Float64Array(3000).map(() => Math.round(rng.normal() * 50) / 10);
    const cuts = quantileCuts(v.slice().sort(), 32);
    for (const x of v) {
      const bin = binOf(cuts, x);
      for (let b = 0; b < cuts.length; b++) expect(bin <= b).to.equal(x <= cuts[b]);
    }
  });

  it('backs the codes with shared memory when asked', () => {
    const b = binMatrix(fromRows([[1], [2]]), 255, { shared: true });
    expect(b.codes.buffer).to.be.instanceOf(SharedArrayBuffer);
  });
});

describe('sortFloat64', () => {
  it('sorts like a numeric sort, negatives, zeros, infinities and repeats included', () => {
    const rng = new Rng(3);
    const v = new Float64Array(5000).map((_, i) => (i % 10 === 0 ? Math.round(rng.normal()) : rng.normal() * 10 ** rng.int(12)));
    v[7] = -Infinity;
    v[8] = Infinity;
    v[9] = -0;
    // -0 and 0 compare equal, so either order of them is sorted
    const plain = (a: ArrayLike<number>): number[] => Array.from(a, (x) => (x === 0 ? 0 : x));
    const expected = plain(Array.from(v).sort((a, b) => a - b));
    expect(plain(sortFloat64(v.slice()))).to.deep.equal(expected);
  });
});

describe('binMatrixOnThreads', () => {
  it('bins the same on two threads as on one', function () {
    this.timeout(30000);
    const rng = new Rng(4);
    const rows = 500;
    const cols = 19;
    const data = new Float64Array(rows * cols).map(() => (rng.next() < 0.05 ? Number.NaN : Math.round(rng.normal() * 100) / 10));
    const X = { rows, cols, data };
    const one = binMatrix(X, 32);
    const two = binMatrixOnThreads(X, 32, 0, 2);
    expect(Array.from(two.codes)).to.deep.equal(Array.from(one.codes));
    expect(two.cuts.map((c) => Array.from(c))).to.deep.equal(one.cuts.map((c) => Array.from(c)));
    expect(Array.from(two.offsets)).to.deep.equal(Array.from(one.offsets));
    expect(Array.from(two.hasMissing)).to.deep.equal(Array.from(one.hasMissing));
    expect(two.codes.buffer).to.be.instanceOf(SharedArrayBuffer);
  });
});
