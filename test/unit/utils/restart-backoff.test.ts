import { expect } from 'chai';
import { RestartBackoff } from '../../../src/utils/restart-backoff.js';

describe('RestartBackoff', () => {
  it('doubles the delay while the child keeps dying soon after it starts, up to the cap', () => {
    const b = new RestartBackoff({ initialMs: 100, maxMs: 1000, resetAfterMs: 5000 });
    expect([1, 2, 3, 4, 5, 6].map(() => b.delayAfterExit(10))).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts again from the first delay once the child stayed up long enough', () => {
    const b = new RestartBackoff({ initialMs: 100, maxMs: 1000, resetAfterMs: 5000 });
    b.delayAfterExit(10);
    b.delayAfterExit(10);
    expect(b.delayAfterExit(5000)).to.equal(100);
    expect(b.delayAfterExit(10)).to.equal(200);
  });

  it('refuses options that are not non-negative numbers, naming the option', () => {
    expect(() => new RestartBackoff({ maxMs: -1 })).to.throw(/options.maxMs must be a non-negative number, got -1/);
    expect(() => new RestartBackoff({ initialMs: Number.NaN })).to.throw(/options.initialMs/);
  });
});
