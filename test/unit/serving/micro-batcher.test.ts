import { expect } from 'chai';
import { MicroBatcher } from '../../../src/serving/micro-batcher.js';

function recorder() {
  const calls: number[][] = [];
  const run = async (items: number[]) => {
    calls.push(items);
    return items.map((x) => x * 10);
  };
  return { calls, run };
}

describe('MicroBatcher', () => {
  it('answers each caller with its own output from one call for items added together', async () => {
    const { calls, run } = recorder();
    const b = new MicroBatcher(run, { maxBatch: 32, maxWaitMs: 50 });
    const out = await Promise.all([1, 2, 3, 4, 5].map((x) => b.add(x)));
    expect(out).to.deep.equal([10, 20, 30, 40, 50]);
    expect(calls).to.deep.equal([[1, 2, 3, 4, 5]]);
  });

  it('splits into batches of at most maxBatch, sending a full batch at once', async () => {
    const { calls, run } = recorder();
    const b = new MicroBatcher(run, { maxBatch: 4, maxWaitMs: 1000, idleFlush: false });
    const started = Date.now();
    const first = Promise.all([1, 2, 3, 4].map((x) => b.add(x)));
    await first;
    expect(Date.now() - started).to.be.below(500);
    const rest = await Promise.all([5, 6, 7, 8, 9, 10].map((x) => b.add(x)).slice(0, 4));
    expect(rest).to.deep.equal([50, 60, 70, 80]);
    expect(calls.map((c) => c.length)).to.deep.equal([4, 4]);
    b.flush();
  });

  it('waits up to maxWaitMs for stragglers when idle flushing is off', async () => {
    const { calls, run } = recorder();
    const b = new MicroBatcher(run, { maxBatch: 32, maxWaitMs: 40, idleFlush: false });
    const a = b.add(1);
    await new Promise((r) => setTimeout(r, 5));
    const c = b.add(2);
    expect(await Promise.all([a, c])).to.deep.equal([10, 20]);
    expect(calls).to.deep.equal([[1, 2]]);
  });

  it('sends a lone item without waiting the full maxWaitMs when idle flushing is on', async () => {
    const { calls, run } = recorder();
    const b = new MicroBatcher(run, { maxBatch: 32, maxWaitMs: 10_000 });
    expect(await b.add(7)).to.equal(70);
    expect(calls).to.deep.equal([[7]]);
  });

  it('rejects every caller of a batch whose run fails', async () => {
    const b = new MicroBatcher<number, number>(async () => {
      throw new Error('boom');
    });
    const results = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
  });

  it('rejects a maxBatch that is not a positive integer, naming the option', () => {
    expect(() => new MicroBatcher(async (x: number[]) => x, { maxBatch: 0 })).to.throw(/maxBatch.*0/);
  });
});
