import { expect } from 'chai';
import { GroupCommit } from '../../../src/jobs/group-commit.js';

describe('GroupCommit: concurrent items written together', () => {
  it('writes an idle caller at once and everything that arrived meanwhile in the next batch', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items.map((x) => x * 2);
    });
    const out = await Promise.all(Array.from({ length: 7 }, (_, i) => gc.submit(i)));
    expect(out).to.deep.equal([0, 2, 4, 6, 8, 10, 12]);
    expect(batches).to.deep.equal([[0], [1, 2, 3, 4, 5, 6]]);
    expect(await gc.submit(9)).to.equal(18);
  });

  it('fails only the items the write says failed, or the whole batch when the write throws, and goes on', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(async (items) => {
      calls++;
      if (items.includes(13)) throw new Error('store down');
      return items.map((x) => (x < 0 ? new Error(`bad ${x}`) : x));
    }, 3);
    const settle = async (xs: number[]) => (await Promise.allSettled(xs.map((x) => gc.submit(x)))).map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message));
    // batches [1], then [-2, 3, 4] (maxBatch 3), then [5]
    expect(await settle([1, -2, 3, 4, 5])).to.deep.equal([1, 'bad -2', 3, 4, 5]);
    // batches [13], then [6, 7]: the thrown write fails its own batch only
    expect(await settle([13, 6, 7])).to.deep.equal(['store down', 6, 7]);
    expect(calls).to.equal(5);
  });
});
