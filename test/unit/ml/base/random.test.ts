import { expect } from 'chai';
import { Rng } from '../../../../src/ml/base/random.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    for (let i = 0; i < 100; i++) expect(a.next()).to.equal(b.next());
  });

  it('gives different sequences for different seeds', () => {
    expect(new Rng(1).next()).to.not.equal(new Rng(2).next());
  });

  it('draws integers in range', () => {
    const r = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(5);
      expect(k).to.be.within(0, 4);
    }
  });
});
