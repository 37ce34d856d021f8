import { expect } from 'chai';
import { PredictCost } from '../../../src/serving/predict-cost.js';

describe('PredictCost', () => {
  it('knows nothing before the first observation', () => {
    expect(new PredictCost().estimate(10)).to.equal(undefined);
  });

  it('recovers a fixed cost and a cost per row from calls of different sizes', () => {
    const c = new PredictCost();
    for (const rows of [1, 32, 1, 8, 100, 2]) c.observe(rows, 50 + 3 * rows);
    expect(c.estimate(1000)).to.be.closeTo(3050, 1);
    expect(c.estimate(1)).to.be.closeTo(53, 1);
  });

  it('charges everything per row while every call had the same size', () => {
    const c = new PredictCost();
    c.observe(1, 60);
    c.observe(1, 40);
    expect(c.estimate(10)).to.be.within(400, 600);
    expect(c.estimate(20)).to.be.closeTo(2 * c.estimate(10)!, 1e-9);
  });

  it('follows a change of speed', () => {
    const c = new PredictCost(0.5);
    for (let i = 0; i < 20; i++) c.observe(10 + (i % 3), 10 * (10 + (i % 3)));
    for (let i = 0; i < 20; i++) c.observe(10 + (i % 3), 100 * (10 + (i % 3)));
    expect(c.estimate(10)).to.be.closeTo(1000, 50);
  });
});
