import { expect } from 'chai';
import { shuffleHoldout, tailHoldout } from '../../../../src/ml/pipeline/holdout.js';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i * 2);

describe('holdout', () => {
  it('holds out the rounded-up fraction, disjoint from training and covering every row', () => {
    const rows = range(11);
    const { train, valid } = shuffleHoldout(rows, 0.2, 1);
    expect(valid.length).to.equal(3);
    expect([...train, ...valid].sort((a, b) => a - b)).to.deep.equal(Array.from(rows));
    expect(Array.from(train)).to.deep.equal([...train].sort((a, b) => a - b));
  });

  it('depends on the seed only', () => {
    const rows = range(40);
    expect(shuffleHoldout(rows, 0.25, 5)).to.deep.equal(shuffleHoldout(rows, 0.25, 5));
    expect(shuffleHoldout(rows, 0.25, 5).valid).to.not.deep.equal(shuffleHoldout(rows, 0.25, 6).valid);
  });

  it('stratifies by class and leaves every class at least one training row', () => {
    const rows = range(23);
    const codes = Float64Array.from({ length: 23 }, (_, i) => (i < 20 ? i % 2 : 2));
    const { train, valid } = shuffleHoldout(rows, 0.5, 3, codes);
    const classOf = (r: number) => codes[r / 2];
    expect(Array.from(valid).filter((r) => classOf(r) === 0)).to.have.length(5);
    expect(Array.from(valid).filter((r) => classOf(r) === 2)).to.have.length(2);
    expect(new Set(Array.from(train).map(classOf))).to.deep.equal(new Set([0, 1, 2]));
  });

  it('takes the tail for time series', () => {
    const { train, valid } = tailHoldout(range(10), 0.25);
    expect(Array.from(valid)).to.deep.equal([14, 16, 18]);
    expect(Array.from(train)).to.deep.equal([0, 2, 4, 6, 8, 10, 12]);
  });
});
