import { expect } from 'chai';
import { parseCsv } from '../../src/ml/data/csv.js';
import { ModelPipeline } from '../../src/ml/pipeline/model-pipeline.js';
import { predictionsById } from '../../src/monitoring/logged-predictions.js';
import { registerVersion } from '../../src/registry/model-registry.js';
import { sampleCsv, TestCluster } from './harness.js';

/** Registers a fitted pipeline as a version, as a train job would. */
async function register(cluster: TestCluster, modelName: string, pipeline: ModelPipeline, serving: Record<string, number>, jobId: string) {
  return registerVersion(cluster.deps.db, {
    modelName,
    task: pipeline.task,
    type: pipeline.spec.type,
    target: pipeline.spec.target,
    features: pipeline.featureSchema.map((f) => f.name),
    featureSchema: pipeline.featureSchema.map((f) => ({ ...f })),
    classes: pipeline.classes ?? null,
    hyperparameters: pipeline.spec.hyperparameters,
    config: { type: pipeline.spec.type, hyperparameters: pipeline.spec.hyperparameters, serving },
    metrics: {},
    cvMetrics: {},
    model: JSON.stringify(pipeline.toJSON()),
    lineage: { dataset: { id: 'x', name: 'x', version: 1, sha256: 'x' }, job_id: jobId, job_type: 'train', hyperparameters: {}, package_version: '0' },
    sourceJobId: jobId,
  });
}

describe('serving (real Redis and MongoDB)', function () {
  this.timeout(120_000);
  const cluster = new TestCluster({
    workers: 1,
    workerEnv: { BATCH_PREDICT_BLOCK_ROWS: '64', POOL_THREADS: '2' },
    overrides: {
      api: { maxPredictInstances: 20, jsonLimit: '64kb' },
      // A long, deterministic gathering window so the micro-batching test does not depend on timing.
      serving: { batchWaitMs: 40, batchIdleFlush: false, logFlushMs: 50, poolThreads: 1 },
    },
  });
  const table = parseCsv(sampleCsv(200));
  const classifier = new ModelPipeline({
    type: 'gradient_boosting',
    hyperparameters: { n_estimators: 10, max_depth: 3 },
    task: 'classification',
    target: 'label',
    features: ['x1', 'x2', 'color'],
  }).fit(table);
  const instance = (x1: number, x2 = 0.5, color = 'red') => ({ x1, x2, color });
  const predict = (body: unknown, model = 'churn') => cluster.request('POST', `/v1/models/${model}/predict`, body);

  before(async () => {
    await cluster.start();
    await register(cluster, 'churn', classifier, { batch_size: 8, cache_size: 100 }, 'job-churn-1');
  });
  after(async () => {
    await cluster.stop();
  });

  it('predicts, then answers the same instance (keys in another order) from the cache with cached: true', async () => {
    const first = await predict({ instances: [{ x1: 7.5, x2: 1, color: 'blue' }] });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body.cached).to.equal(false);
    expect(first.body.predictions).to.deep.equal(classifier.predictRecords([instance(7.5, 1, 'blue')]).predictions);
    const calls = cluster.deps.models.stats.predictCalls;
    const again = await predict({ instances: [{ color: 'blue', x2: 1, x1: 7.5 }] });
    expect(again.body.cached).to.equal(true);
    expect(again.body.predictions).to.deep.equal(first.body.predictions);
    expect(again.body.probabilities).to.deep.equal(first.body.probabilities);
    expect(again.body.prediction_ids[0]).to.not.equal(first.body.prediction_ids[0]);
    expect(cluster.deps.models.stats.predictCalls).to.equal(calls);
  });

  it('never re-reads the artifact from GridFS for a hot model', async () => {
    await predict({ instances: [instance(1)] });
    const store = cluster.deps.db.artifacts;
    const get = store.get.bind(store);
    let reads = 0;
    store.get = (id, sha) => {
      reads++;
      return get(id, sha);
    };
    try {
      for (let i = 0; i < 5; i++) expect((await predict({ instances: [instance(2 + i), instance(3 + i)] })).status).to.equal(200);
    } finally {
      store.get = get;
    }
    expect(reads).to.equal(0);
  });

  it('gathers concurrent single-instance requests into fewer predict calls and answers each its own', async () => {
    const xs = Array.from({ length: 16 }, (_, i) => 0.3 + i * 0.61);
    const before = cluster.deps.models.stats.predictCalls;
    const answers = await Promise.all(xs.map((x) => predict({ instances: [instance(x, -1)] })));
    const calls = cluster.deps.models.stats.predictCalls - before;
    expect(calls).to.be.below(xs.length);
    expect(calls).to.be.at.least(2); // batch_size 8 caps a batch
    answers.forEach((a, i) => {
      expect(a.status).to.equal(200);
      const expected = classifier.predictRecords([instance(xs[i], -1)]);
      expect(a.body.predictions).to.deep.equal(expected.predictions);
      expect(a.body.probabilities).to.deep.equal(expected.probabilities);
      expect(a.body.prediction_ids).to.have.length(1);
    });
  });

  it('answers the same through the server\'s fast path and through Express (trailing slash, query, escaped name, other case)', async () => {
    const body = { instances: [instance(3.25, 0.4, 'green')] };
    const plain = await predict(body);
    expect(plain.status).to.equal(200);
    for (const path of ['/v1/models/churn/predict/', '/v1/models/churn/predict?trace=1', '/v1/models/%63hurn/predict', '/V1/Models/churn/PREDICT']) {
      const res = await cluster.request('POST', path, body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
      expect(res.body.predictions, path).to.deep.equal(plain.body.predictions);
      expect(res.body.model, path).to.deep.equal({ name: 'churn', version: '1' });
    }
    expect((await cluster.request('GET', '/v1/models/churn/predict')).status).to.equal(404);
    expect((await cluster.request('POST', '/v1/models/%E0%A4%A/predict', body)).status).to.equal(400);
  });

  it('logs each prediction with its id, input, output and latency to MongoDB', async () => {
    const res = await predict({ instances: [instance(4.25, 0.1, 'green'), instance(8.5, -0.2, 'red')] });
    const ids: string[] = res.body.prediction_ids;
    let docs: Awaited<ReturnType<typeof predictionsById>> = [];
    for (let i = 0; i < 100 && docs.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      docs = await predictionsById(cluster.deps.db, ids);
    }
    expect(docs).to.have.length(2);
    // one insert for the request's two predictions
    expect(await cluster.deps.db.predictionLog.countDocuments({ ids: { $in: ids } })).to.equal(1);
    const byId = new Map(docs.map((d) => [d.id, d]));
    ids.forEach((id, i) => {
      const d = byId.get(id)!;
      expect(d).to.include({ modelName: 'churn', version: '1', prediction: res.body.predictions[i] });
      expect(d.input).to.deep.equal(i === 0 ? instance(4.25, 0.1, 'green') : instance(8.5, -0.2, 'red'));
      expect(d.probabilities).to.deep.equal(res.body.probabilities[i]);
      expect(d.latencyMs).to.be.a('number').and.at.least(0);
      expect(d.createdAt).to.be.instanceOf(Date);
    });
  });

  describe('bad input', () => {
    it('answers an unknown model, version or alias with 404', async () => {
      for (const [model, body] of [
        ['ghost', { instances: [instance(1)] }],
        ['churn', { instances: [instance(1)], version: '99' }],
        ['churn', { instances: [instance(1)], alias: 'nonexistent' }],
      ] as const) {
        const res = await predict(body, model);
        expect(res.status, `${model} ${JSON.stringify(body)}`).to.equal(404);
        expect(res.body.error.code).to.equal('not_found');
      }
    });

    it('answers missing, extra and mistyped features with 400 naming them', async () => {
      const res = await predict({ instances: [{ x1: 'lots', colour: 'red' }] });
      expect(res.status).to.equal(400);
      const text = JSON.stringify(res.body.error);
      for (const name of ['x2', 'color', 'colour']) expect(text).to.contain(name);
      const typed = await predict({ instances: [instance(1), { x1: 'lots', x2: 1, color: 'red' }] });
      expect(typed.status).to.equal(400);
      expect(typed.body.error.message).to.match(/x1/);
    });

    it('answers a bad instance among concurrent batched requests with 400 and the others with 200', async () => {
      const bodies = [{ instances: [instance(1.1)] }, { instances: [{ x1: 1, x2: 'two', color: 'red' }] }, { instances: [instance(1.2)] }];
      const res = await Promise.all(bodies.map((b) => predict(b)));
      expect(res.map((r) => r.status)).to.deep.equal([200, 400, 200]);
      expect(res[1].body.error.message).to.match(/x2/);
    });

    it('answers a body over the JSON limit with 413, malformed JSON with 400 and a non-JSON body with 415', async () => {
      const big = await predict({ instances: [{ ...instance(1), pad: 'x'.repeat(70 * 1024) }] });
      expect(big.status).to.equal(413);
      expect(big.body.error.code).to.equal('payload_too_large');
      const bad = await cluster.request('POST', '/v1/models/churn/predict', '{"instances": [', { 'content-type': 'application/json' });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('invalid_json');
      const text = await cluster.request('POST', '/v1/models/churn/predict', 'x1=1', { 'content-type': 'text/plain' });
      expect(text.status).to.equal(415);
    });

    it('answers too many instances with 413 giving the limit', async () => {
      const res = await predict({ instances: Array.from({ length: 21 }, (_, i) => instance(i)) });
      expect(res.status).to.equal(413);
      expect(res.body.error.message).to.match(/20/);
      expect(res.body.error.details).to.deep.equal({ instances: 21, limit: 20 });
    });
  });

  describe('batch_predict', () => {
    const csv = sampleCsv(300, 5);
    let datasetId: string;

    before(async () => {
      const up = await cluster.request('POST', '/v1/datasets?name=to-score', csv, { 'content-type': 'text/csv' });
      expect(up.status).to.equal(201);
      datasetId = up.body.id;
    });

    it('predicts every row into a new dataset with lineage, reporting progress', async () => {
      const res = await cluster.request('POST', '/v1/jobs', { type: 'batch_predict', model_name: 'churn', version: '1', dataset: datasetId, output_name: 'scored' });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      const job = await cluster.waitForJob(res.body.id);
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      expect(job.result.rows).to.equal(300);
      expect(job.result.output_dataset).to.include({ name: 'scored', version: 1 });
      expect(job.progress).to.deep.include({ done: 300, total: 300 });

      const out = await cluster.request('GET', `/v1/datasets/${job.result.output_dataset.id}`);
      expect(out.body.rows).to.equal(300);
      expect(out.body.columns.map((c: { name: string }) => c.name)).to.deep.equal(['x1', 'x2', 'color', 'label', 'y', 'prediction', 'proba_no', 'proba_yes']);
      expect(out.body.source).to.deep.include({ kind: 'batch_predict', job_id: res.body.id });
      expect(out.body.source.dataset).to.include({ id: datasetId, name: 'to-score', version: 1 });
      expect(out.body.source.model).to.include({ name: 'churn', version: '1' });

      const text = await (await fetch(`${cluster.baseUrl}/v1/datasets/${job.result.output_dataset.id}/download`)).text();
      const scored = parseCsv(text);
      const input = parseCsv(csv);
      const expected = classifier.predict(input);
      const col = (t: typeof scored, name: string) => Array.from(t.columns.find((c) => c.name === name)!.values as ArrayLike<unknown>);
      expect(scored.rowCount).to.equal(300);
      expect(col(scored, 'prediction')).to.deep.equal(expected.predictions);
      expect(col(scored, 'proba_yes')).to.deep.equal(expected.probabilities!.map((p) => p[1]));
      for (const name of ['x1', 'x2', 'color', 'label', 'y']) expect(col(scored, name)).to.deep.equal(col(input, name));
    });

    it('refuses an unknown model, version or dataset with 404, and a dataset without the features with 400', async () => {
      const submit = (over: Record<string, unknown>) =>
        cluster.request('POST', '/v1/jobs', { type: 'batch_predict', model_name: 'churn', dataset: datasetId, ...over });
      expect((await submit({ model_name: 'ghost' })).status).to.equal(404);
      expect((await submit({ version: '42' })).status).to.equal(404);
      expect((await submit({ alias: 'nonexistent' })).status).to.equal(404);
      expect((await submit({ dataset: 'no-such-data' })).status).to.equal(404);
      const other = await cluster.request('POST', '/v1/datasets?name=other', 'a,b\n1,2\n', { 'content-type': 'text/csv' });
      const res = await submit({ dataset: other.body.id });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/x1/);
      expect((await submit({ version: '1', alias: 'production' })).status).to.equal(400);
    });
  });
});
