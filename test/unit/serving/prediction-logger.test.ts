import { expect } from 'chai';
import { createLogger } from '../../../src/utils/logger.js';
import { PredictionLogger, type PredictionLogEntry } from '../../../src/serving/prediction-logger.js';

const silent = createLogger('silent', 'test');

function entry(id: string, input: Record<string, unknown> = { x: 1 }): PredictionLogEntry {
  return { _id: id, modelName: 'm', version: '1', input, prediction: 1, latencyMs: 1, label: null, labeledAt: null, createdAt: new Date() };
}

function fakeCollection(fail = false) {
  const inserts: PredictionLogEntry[][] = [];
  return {
    inserts,
    insertMany: async (docs: unknown[]) => {
      if (fail) throw new Error('mongo is down');
      inserts.push(docs as PredictionLogEntry[]);
      return { acknowledged: true, insertedCount: docs.length, insertedIds: {} };
    },
  };
}

describe('PredictionLogger', () => {
  it('inserts buffered entries in batches, not one by one', async () => {
    const col = fakeCollection();
    const log = new PredictionLogger(col as never, silent, { batchSize: 3, flushMs: 10_000 });
    for (let i = 0; i < 7; i++) log.push(entry(String(i)));
    expect(col.inserts.map((b) => b.length)).to.deep.equal([3, 3]);
    await log.flush();
    expect(col.inserts.map((b) => b.length)).to.deep.equal([3, 3, 1]);
    expect(log.written).to.equal(7);
  });

  it('flushes on its timer', async () => {
    const col = fakeCollection();
    const log = new PredictionLogger(col as never, silent, { flushMs: 5 });
    log.push(entry('a'));
    await new Promise((r) => setTimeout(r, 40));
    expect(col.inserts.flat().map((e) => e._id)).to.deep.equal(['a']);
  });

  it('counts a failed insert instead of throwing', async () => {
    const log = new PredictionLogger(fakeCollection(true) as never, silent, { flushMs: 10_000 });
    log.push(entry('a'));
    log.push(entry('b'));
    await log.flush();
    expect(log.failed).to.equal(2);
    expect(log.written).to.equal(0);
  });

  it('drops entries beyond maxBuffer while the database lags', () => {
    const log = new PredictionLogger(fakeCollection() as never, silent, { maxBuffer: 2, batchSize: 100, flushMs: 10_000 });
    for (let i = 0; i < 5; i++) log.push(entry(String(i)));
    expect(log.buffered).to.equal(2);
    expect(log.dropped).to.equal(3);
  });

  it('samples at the configured rate', () => {
    let i = 0;
    const draws = [0.05, 0.5, 0.09, 0.95];
    const log = new PredictionLogger(fakeCollection() as never, silent, { sampleRate: 0.1, random: () => draws[i++] });
    expect(draws.map(() => log.sample())).to.deep.equal([true, false, true, false]);
    expect(new PredictionLogger(fakeCollection() as never, silent, { sampleRate: 0 }).sample()).to.equal(false);
  });

  it("replaces '.' and '$' in input keys, which MongoDB-protocol servers refuse", async () => {
    const col = fakeCollection();
    const log = new PredictionLogger(col as never, silent);
    log.push(entry('a', { 'a.b': 1, $c: 2, plain: 3 }));
    await log.flush();
    expect(Object.keys(col.inserts[0][0].input)).to.deep.equal(['a\uff0eb', '\uff04c', 'plain']);
  });
});
