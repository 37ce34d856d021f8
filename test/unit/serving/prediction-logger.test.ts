import { expect } from 'chai';
import { createLogger } from '../../../src/utils/logger.js';
import { fromBucket, toBuckets, type LoggedPrediction, type PredictionBucket } from '../../../src/registry/prediction-log.model.js';
import { PredictionLogger } from '../../../src/serving/prediction-logger.js';

const silent = createLogger('silent', 'test');

function entry(id: string, input: Record<string, unknown> = { x: 1 }, over: Partial<LoggedPrediction> = {}): LoggedPrediction {
  return { id, modelName: 'm', version: '1', input, prediction: 1, latencyMs: 1, createdAt: new Date(1_700_000_000_000), ...over };
}

function fakeCollection(fail = false) {
  const inserts: PredictionBucket[][] = [];
  return {
    inserts,
    insertMany: async (docs: unknown[]) => {
      if (fail) throw new Error('mongo is down');
      inserts.push(docs as PredictionBucket[]);
      return { acknowledged: true, insertedCount: docs.length, insertedIds: {} };
    },
  };
}

describe('PredictionLogger', () => {
  it('inserts buffered entries in batches, one bucket document per model version, not one document per prediction', async () => {
    const col = fakeCollection();
    const log = new PredictionLogger(col as never, silent, { batchSize: 3, flushMs: 10_000 });
    for (let i = 0; i < 7; i++) log.push(entry(String(i), { x: i }, { version: i === 1 ? '2' : '1' }));
    expect(col.inserts.map((docs) => docs.map((b) => b.count))).to.deep.equal([[2, 1], [3]]);
    await log.flush();
    expect(col.inserts.map((docs) => docs.map((b) => b.count))).to.deep.equal([[2, 1], [3], [1]]);
    expect(col.inserts.flat().flatMap((b) => b.ids)).to.have.members(['0', '1', '2', '3', '4', '5', '6']);
    expect(log.written).to.equal(7);
  });

  it('flushes on its timer', async () => {
    const col = fakeCollection();
    const log = new PredictionLogger(col as never, silent, { flushMs: 5 });
    log.push(entry('a'));
    await new Promise((r) => setTimeout(r, 40));
    expect(col.inserts.flat().flatMap((b) => b.ids)).to.deep.equal(['a']);
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
});

describe('prediction log buckets', () => {
  const t0 = new Date(1_700_000_000_000);
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('store each input key as a column and give the predictions back as they went in', () => {
    const entries = [
      entry('a', { x: 1.5, colour: 'red' }, { prediction: 'yes', probabilities: [0.25, 0.75], latencyMs: 2, createdAt: at(5) }),
      entry('b', { x: 2, extra: true }, { prediction: 'no', probabilities: [0.5, 0.5], latencyMs: 3, createdAt: at(1) }),
    ];
    const [bucket, ...more] = toBuckets(entries);
    expect(more).to.deep.equal([]);
    expect(bucket).to.deep.include({ modelName: 'm', version: '1', count: 2, ids: ['a', 'b'], from: at(1), to: at(5), predictions: ['yes', 'no'], probabilities: [0.25, 0.75, 0.5, 0.5] });
    expect(bucket.inputs).to.deep.equal({ x: [1.5, 2], colour: ['red', null], extra: [null, true] });
    expect(fromBucket(bucket)).to.deep.equal(entries);
  });

  it("replace '.' and '$' in input keys, keep arrays out of arrays, and store non-finite numbers as null", () => {
    const [bucket] = toBuckets([entry('a', { 'a.b': 1, $c: 2, list: [1, 2], obj: { k: 1 }, inf: Infinity }, { prediction: NaN, probabilities: [NaN, 1] })]);
    expect(bucket.inputs).to.deep.equal({ 'a\uff0eb': [1], '\uff04c': [2], list: ['[1,2]'], obj: ['{"k":1}'], inf: [null] });
    expect(bucket.predictions).to.deep.equal([null]);
    expect(bucket.probabilities).to.deep.equal([0, 1]);
  });

  it('split a model version into more buckets when one would grow past a few megabytes', () => {
    const wide: Record<string, number> = {};
    for (let j = 0; j < 3000; j++) wide[`f${j}`] = j + 0.5;
    const entries = Array.from({ length: 200 }, (_, i) => entry(String(i), wide));
    const buckets = toBuckets(entries);
    expect(buckets.length).to.be.greaterThan(1);
    expect(buckets.reduce((n, b) => n + b.count, 0)).to.equal(200);
    expect(buckets.flatMap(fromBucket)).to.deep.equal(entries);
    for (const b of buckets) expect(JSON.stringify(b).length).to.be.below(16 * 1024 * 1024);
    // narrow inputs stay in one bucket
    expect(toBuckets(Array.from({ length: 1000 }, (_, i) => entry(String(i))))).to.have.length(1);
  });

  it('unpack a projection that left columns out', () => {
    const [bucket] = toBuckets([entry('a', { x: 1 }, { latencyMs: 4 }), entry('b', { x: 2 }, { latencyMs: 6 })]);
    const rows = fromBucket({ ids: bucket.ids, version: bucket.version, latencyMs: bucket.latencyMs, at: bucket.at });
    expect(rows.map((r) => [r.id, r.version, r.latencyMs, r.input])).to.deep.equal([
      ['a', '1', 4, {}],
      ['b', '1', 6, {}],
    ]);
  });
});
