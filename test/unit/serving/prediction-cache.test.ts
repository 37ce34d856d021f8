import { expect } from 'chai';
import fc from 'fast-check';
import { entryBytes, PredictionCacheStore } from '../../../src/serving/prediction-cache.js';

const answer = (i: number, classes = 3) => ({ prediction: `class-${i % classes}`, probabilities: Array.from({ length: classes }, (_, j) => (j === i % classes ? 1 : 0)) });

describe('prediction cache: per-version LRU inside one byte budget', () => {
  it("keeps each version's capacity and evicts its least recently used answer", () => {
    const store = new PredictionCacheStore(1 << 20);
    const a = store.cache(2);
    a.set('k1', answer(1));
    a.set('k2', answer(2));
    expect(a.get('k1')).to.deep.equal(answer(1)); // k1 is now the most recent
    a.set('k3', answer(3));
    expect(a.get('k2')).to.equal(undefined);
    expect(a.get('k1')).to.deep.equal(answer(1));
    expect(a.size).to.equal(2);
  });

  it('bounds the bytes of all versions together, whatever their cache_size, dropping the least recently used of any version', () => {
    const one = entryBytes('key-00000', answer(0));
    const store = new PredictionCacheStore(one * 10);
    const versions = Array.from({ length: 5 }, () => store.cache(1000));
    for (let i = 0; i < 100; i++) versions[i % 5].set(`key-${String(i).padStart(5, '0')}`, answer(i));
    expect(store.bytes).to.be.at.most(one * 10);
    expect(store.entries).to.equal(10);
    // the ten most recent answers are the ones kept, spread over the versions
    expect(versions.reduce((n, v) => n + v.size, 0)).to.equal(10);
    expect(versions[4].get('key-00099')).to.deep.equal(answer(99));
    expect(versions[0].get('key-00000')).to.equal(undefined);
  });

  it('drops an unloaded version and never keeps an answer larger than the whole budget', () => {
    const store = new PredictionCacheStore(4096);
    const a = store.cache(10);
    const b = store.cache(10);
    a.set('x', answer(1));
    b.set('y', answer(2));
    a.clear();
    expect(a.size).to.equal(0);
    expect(store.entries).to.equal(1);
    b.set('huge', { prediction: 'p', probabilities: new Array(10_000).fill(0.1) });
    expect(b.get('huge')).to.equal(undefined);
    expect(b.size).to.equal(1);
    expect(b.get('y')).to.deep.equal(answer(2));
  });

  it('holds for any sequence of sets, gets and clears: within budget and capacity, and a version counts exactly what the store holds for it', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), v: fc.nat(3), k: fc.nat(40), classes: fc.integer({ min: 1, max: 50 }) }),
      fc.record({ kind: fc.constant('get' as const), v: fc.nat(3), k: fc.nat(40) }),
      fc.record({ kind: fc.constant('clear' as const), v: fc.nat(3) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 20_000 }), fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 4, maxLength: 4 }), fc.array(op, { maxLength: 300 }), (budget, capacities, ops) => {
        const store = new PredictionCacheStore(budget);
        const versions = capacities.map((c) => store.cache(c));
        for (const o of ops) {
          const v = versions[o.v];
          if (o.kind === 'set') v.set(`k${o.k}`, answer(o.k, o.classes));
          else if (o.kind === 'get') v.get(`k${o.k}`);
          else v.clear();
          if (store.bytes > budget) return false;
          if (versions.some((x) => x.size > x.capacity)) return false;
          if (versions.reduce((n, x) => n + x.size, 0) !== store.entries) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
