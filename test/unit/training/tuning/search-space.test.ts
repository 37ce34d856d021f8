import { expect } from 'chai';
import { Rng } from '../../../../src/ml/base/random.js';
import { contains, fromInternal, gridCount, gridPoint, gridSize, gridValue, internalBounds, probeValues, sampleUniform, type Distribution } from '../../../../src/training/tuning/search-space.js';

describe('search space', () => {
  const int: Distribution = { type: 'int', low: 1, high: 6, log: false };
  const logFloat: Distribution = { type: 'float', low: 0.001, high: 1000, log: true };
  const stepped: Distribution = { type: 'float', low: 0.1, high: 0.5, log: false, step: 0.1 };

  it('draws ints in [low, high], every value about equally often', () => {
    const rng = new Rng(1);
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const v = sampleUniform(int, rng) as number;
      expect(Number.isInteger(v) && v >= 1 && v <= 6).to.equal(true);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).to.deep.equal([1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(c).to.be.within(850, 1150);
  });

  it('draws log-scaled floats evenly over the orders of magnitude', () => {
    const rng = new Rng(2);
    const xs = Array.from({ length: 4000 }, () => sampleUniform(logFloat, rng) as number);
    expect(Math.min(...xs)).to.be.at.least(0.001);
    expect(Math.max(...xs)).to.be.at.most(1000);
    expect(xs.filter((x) => x < 1).length / xs.length).to.be.within(0.45, 0.55);
  });

  it('snaps stepped floats to the grid without floating-point noise', () => {
    expect(Array.from({ length: gridCount(stepped)! }, (_, k) => gridValue(stepped, k))).to.deep.equal([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(fromInternal(stepped as never, 0.34)).to.equal(0.3);
    expect(fromInternal(stepped as never, 9)).to.equal(0.5);
  });

  it('counts a huge grid without enumerating it', () => {
    const huge = { type: 'int', low: 1, high: 1e9, log: false } as Distribution;
    const tiny = { type: 'float', low: 0, high: 1, log: false, step: 1e-300 } as Distribution;
    expect(gridCount(huge)).to.equal(1e9);
    expect(gridSize({ a: huge, b: huge })).to.equal(1e18);
    expect(gridCount(tiny)).to.be.greaterThan(1e299);
    expect(gridPoint({ a: huge }, 999_999_999)).to.deep.equal({ a: 1e9 });
  });

  it('widens the interval of ints by half a step so the end values are not starved', () => {
    expect(internalBounds(int as never)).to.deep.equal([0.5, 6.5]);
  });

  it('enumerates the grid with the last parameter in name order varying fastest', () => {
    const space = { b: { type: 'categorical', choices: ['x', 'y'] }, a: { type: 'int', low: 1, high: 3, log: false } } as Record<string, Distribution>;
    expect(gridSize(space)).to.equal(6);
    const points = [...Array(6).keys()].map((i) => gridPoint(space, i));
    expect(points).to.deep.equal([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 3, b: 'x' },
      { a: 3, b: 'y' },
    ]);
  });

  it('has no grid for a float without a step', () => {
    expect(gridSize({ a: logFloat })).to.equal(null);
  });

  it('probes the extremes of numbers and every choice', () => {
    expect(probeValues(int)).to.deep.equal([1, 6]);
    expect(probeValues(logFloat)).to.deep.equal([0.001, 1000]);
    expect(probeValues({ type: 'categorical', choices: ['a', null] })).to.deep.equal(['a', null]);
  });

  it('knows which values a distribution can produce', () => {
    expect(contains(int, 3)).to.equal(true);
    expect(contains(int, 3.5)).to.equal(false);
    expect(contains(int, 7)).to.equal(false);
    expect(contains({ type: 'categorical', choices: [true] }, false)).to.equal(false);
  });
});
