import { expect } from 'chai';
import { MemoryArtifactStore } from '../../../src/registry/memory-artifact-store.js';
import type { ModelVersionDoc } from '../../../src/registry/model-version.model.js';
import { ModelServer, type ModelServerOptions } from '../../../src/serving/model-server.js';
import { AppError } from '../../../src/utils/app-error.js';
import { PREDICT_TASK_URL, PredictPool } from '../../../src/serving/predict-pool.js';
import { countReads, fakeDb, fitPipeline, storeVersion } from './model-fixtures.js';

/** A ModelServer whose registry lookup answers one fixed version. */
function serverFor(store: MemoryArtifactStore, doc: ModelVersionDoc, options: Partial<ModelServerOptions> = {}): ModelServer {
  const server = new ModelServer(fakeDb(store), { maxInstances: 50, ...options });
  server.resolve = async () => doc;
  return server;
}

const instance = (x1: number) => ({ x1, x2: 0.5, color: 'red' });

describe('ModelServer', function () {
  this.timeout(20_000);
  const pipeline = fitPipeline();

  it('reads the artifact once and then predicts from memory', async () => {
    const store = new MemoryArtifactStore();
    const reads = countReads(store);
    const server = serverFor(store, await storeVersion(store, pipeline, { serving: { batch_size: 8, cache_size: 0 } }));
    for (let i = 0; i < 5; i++) await server.predict('m', { instances: [instance(i)] });
    await Promise.all([1, 2, 3].map((i) => server.predict('m', { instances: [instance(i + 10)] })));
    expect(reads.reads).to.equal(1);
    expect(server.stats.modelLoads).to.equal(1);
  });

  it('answers a repeated instance from the cache whatever its key order, flagged cached', async () => {
    const store = new MemoryArtifactStore();
    const server = serverFor(store, await storeVersion(store, pipeline));
    const a = await server.predict('m', { instances: [{ x1: 3, x2: 1, color: 'blue' }] });
    const calls = server.stats.predictCalls;
    const b = await server.predict('m', { instances: [{ color: 'blue', x2: 1, x1: 3 }] });
    expect(a.cached).to.equal(false);
    expect(b.cached).to.equal(true);
    expect(b.predictions).to.deep.equal(a.predictions);
    expect(b.probabilities).to.deep.equal(a.probabilities);
    expect(b.prediction_ids[0]).to.not.equal(a.prediction_ids[0]);
    expect(server.stats.predictCalls).to.equal(calls);
  });

  it('predicts only the misses of a request that partly hits the cache', async () => {
    const store = new MemoryArtifactStore();
    const server = serverFor(store, await storeVersion(store, pipeline));
    await server.predict('m', { instances: [instance(1), instance(2)] });
    const rows = server.stats.rowsPredicted;
    const res = await server.predict('m', { instances: [instance(1), instance(3), instance(2)] });
    expect(res.cached).to.equal(false);
    expect(server.stats.rowsPredicted - rows).to.equal(1);
    expect(res.predictions).to.deep.equal(pipeline.predictRecords([instance(1), instance(3), instance(2)]).predictions);
  });

  it('keeps no more answers than serving.cache_size', async () => {
    const store = new MemoryArtifactStore();
    const server = serverFor(store, await storeVersion(store, pipeline, { serving: { batch_size: 4, cache_size: 2 } }));
    for (const x of [1, 2, 3]) await server.predict('m', { instances: [instance(x)] });
    expect((await server.predict('m', { instances: [instance(3)] })).cached).to.equal(true);
    expect((await server.predict('m', { instances: [instance(1)] })).cached).to.equal(false);
  });

  it('keeps every cached answer within serving.cache_max_bytes, however large cache_size is', async () => {
    const store = new MemoryArtifactStore();
    const server = serverFor(store, await storeVersion(store, pipeline, { serving: { batch_size: 8, cache_size: 100_000 } }), { cacheMaxBytes: 4000 });
    for (let x = 0; x < 200; x++) await server.predict('m', { instances: [instance(x)] });
    expect(server.cacheStore.bytes).to.be.at.most(4000);
    expect(server.cacheStore.entries).to.be.above(0);
    expect((await server.predict('m', { instances: [instance(199)] })).cached).to.equal(true);
    expect((await server.predict('m', { instances: [instance(0)] })).cached).to.equal(false);
  });

  it('gathers concurrent single-instance requests into fewer predict calls, each answered on its own', async () => {
    const store = new MemoryArtifactStore();
    const server = serverFor(store, await storeVersion(store, pipeline, { serving: { batch_size: 8, cache_size: 0 } }), { batchWaitMs: 20 });
    const xs = Array.from({ length: 20 }, (_, i) => i / 2);
    const answers = await Promise.all(xs.map((x) => server.predict('m', { instances: [instance(x)] })));
    expect(server.stats.predictCalls).to.be.at.most(3);
    answers.forEach((a, i) => expect(a.predictions).to.deep.equal(pipeline.predictRecords([instance(xs[i])]).predictions));
  });

  it('fails only the bad request of a batch, with the feature named', async () => {
    const store = new MemoryArtifactStore();
    const server = serverFor(store, await storeVersion(store, pipeline, { serving: { batch_size: 8, cache_size: 0 } }), { batchWaitMs: 20 });
    const bad = { x1: 'lots', x2: 1, color: 'red' };
    const results = await Promise.allSettled([instance(1), bad, instance(2)].map((x) => server.predict('m', { instances: [x] })));
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason.message)).to.match(/x1/);
  });

  it('refuses more instances than the limit with a 413 naming it', async () => {
    const store = new MemoryArtifactStore();
    const server = serverFor(store, await storeVersion(store, pipeline), { maxInstances: 3 });
    const err = await server.predict('m', { instances: [1, 2, 3, 4].map(instance) }).catch((e: unknown) => e);
    expect(err).to.include({ status: 413 });
    expect((err as Error).message).to.match(/3/);
  });

  it('tells its observer of every answered or failed request, except for unknown names', async () => {
    const store = new MemoryArtifactStore();
    const seen: Array<{ version: string | null; ok: boolean; instances?: number }> = [];
    const server = serverFor(store, await storeVersion(store, pipeline), { observe: (o) => seen.push({ version: o.version, ok: o.ok, instances: o.instances }) });
    await server.predict('m', { instances: [instance(1), instance(2)] });
    await server.predict('m', { instances: [{ x1: 1 }] }).catch(() => undefined);
    server.resolve = async () => {
      throw new AppError('not_found', "model 'ghost' not found");
    };
    await server.predict('ghost', { instances: [instance(1)] }).catch(() => undefined);
    expect(seen).to.deep.equal([
      { version: '1', ok: true, instances: 2 },
      { version: '1', ok: false, instances: undefined },
    ]);
  });

  describe('with a predict pool', () => {
    let pool: PredictPool;
    before(() => {
      pool = new PredictPool(1, PREDICT_TASK_URL);
    });
    after(() => pool.close());

    it('sends a model of unknown cost to the pool, its JSON once, and then decides by the measured cost', async () => {
      const store = new MemoryArtifactStore();
      const server = serverFor(store, await storeVersion(store, pipeline, { serving: { batch_size: 8, cache_size: 0 } }), { pool, inlineMaxMicros: 1e9 });
      const first = await server.predict('m', { instances: [instance(1), instance(2)] });
      expect(first.predictions).to.deep.equal(pipeline.predictRecords([instance(1), instance(2)]).predictions);
      expect(server.stats.poolCalls).to.equal(1);
      expect(pool.modelsSent).to.equal(1);
      await server.predict('m', { instances: [instance(3)] });
      expect(server.stats.inlineCalls).to.equal(1);
    });

    it('keeps predicting in the pool a model measured as too slow for the event loop, sending its JSON only once', async () => {
      const store = new MemoryArtifactStore();
      const server = serverFor(store, await storeVersion(store, fitPipeline({ hyperparameters: { n_estimators: 6, max_depth: 2 } })), { pool, inlineMaxMicros: 0 });
      const sentBefore = pool.modelsSent;
      for (let i = 0; i < 4; i++) await server.predict('m', { instances: [instance(i), instance(i + 1)] });
      expect(server.stats.poolCalls).to.equal(4);
      expect(server.stats.inlineCalls).to.equal(0);
      expect(pool.modelsSent - sentBefore).to.equal(1);
    });

    it('answers a bad instance predicted in the pool as a data error naming the feature', async () => {
      const store = new MemoryArtifactStore();
      const server = serverFor(store, await storeVersion(store, pipeline), { pool, inlineMaxMicros: 0 });
      const err = await server.predict('m', { instances: [{ x1: 1, x2: 1 }, instance(1)] }).catch((e: unknown) => e);
      expect((err as Error).name).to.equal('DataError');
      expect((err as Error).message).to.match(/color/);
    });
  });
});
