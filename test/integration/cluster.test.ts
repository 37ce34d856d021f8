import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { sampleCsv, TestCluster } from './harness.js';

describe('cluster end to end (real Redis and MongoDB)', function () {
  this.timeout(180_000);
  const cluster = new TestCluster({ workers: 1, overrides: { api: { jsonLimit: '256kb', maxPredictInstances: 50 } } });
  let datasetId: string;

  before(async () => {
    await cluster.start();
  });
  after(async () => {
    await cluster.stop();
  });

  it('answers liveness and readiness', async () => {
    expect((await cluster.request('GET', '/healthz')).status).to.equal(200);
    const ready = await cluster.request('GET', '/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body).to.include({ redis: 'ok', mongodb: 'ok' });
  });

  describe('datasets', () => {
    it('uploads a CSV body and describes its columns', async () => {
      const res = await cluster.request('POST', '/v1/datasets?name=sample', sampleCsv(), { 'content-type': 'text/csv' });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'sample', version: 1, rows: 120 });
      expect(res.body.columns).to.deep.equal([
        { name: 'x1', type: 'number' },
        { name: 'x2', type: 'number' },
        { name: 'color', type: 'string' },
        { name: 'label', type: 'string' },
        { name: 'y', type: 'number' },
      ]);
      expect(res.body.sha256).to.equal(createHash('sha256').update(sampleCsv()).digest('hex'));
      datasetId = res.body.id;
    });

    it('uploads a multipart file as the next version of the same name', async () => {
      const form = new FormData();
      form.append('name', 'sample');
      form.append('file', new Blob([sampleCsv(60, 7)], { type: 'text/csv' }), 'sample.csv');
      const res = await cluster.request('POST', '/v1/datasets', form);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'sample', version: 2, rows: 60 });
    });

    it('uploads JSON rows', async () => {
      const rows = [
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ];
      const res = await cluster.request('POST', '/v1/datasets', { name: 'tiny', rows });
      expect(res.status).to.equal(201);
      expect(res.body.columns).to.deep.equal([
        { name: 'a', type: 'number' },
        { name: 'b', type: 'string' },
      ]);
    });

    it('lists, describes by id or name, and downloads the exact bytes', async () => {
      const list = await cluster.request('GET', '/v1/datasets');
      expect(list.body.datasets.map((d: { name: string }) => d.name)).to.include.members(['sample', 'tiny']);
      const byId = await cluster.request('GET', `/v1/datasets/${datasetId}`);
      expect(byId.body.version).to.equal(1);
      const byName = await cluster.request('GET', '/v1/datasets/sample');
      expect(byName.body.version).to.equal(2);
      const dl = await fetch(`${cluster.baseUrl}/v1/datasets/${datasetId}/download`);
      expect(dl.headers.get('content-type')).to.match(/text\/csv/);
      expect(await dl.text()).to.equal(sampleCsv());
    });

    it('rejects an empty dataset', async () => {
      const res = await cluster.request('POST', '/v1/datasets?name=empty', 'a,b\n', { 'content-type': 'text/csv' });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/empty/);
    });

    it('rejects text in a column declared numeric, naming the column', async () => {
      const res = await cluster.request('POST', '/v1/datasets?name=typed&types=a:number', 'a,b\n1,x\nhello,y\n', { 'content-type': 'text/csv' });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/'?a'?/);
      expect(res.body.error.message).to.match(/hello/);
    });

    it('rejects a dataset without a name', async () => {
      const res = await cluster.request('POST', '/v1/datasets', 'a\n1\n', { 'content-type': 'text/csv' });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/name/);
    });

    it('answers 404 for an unknown dataset', async () => {
      const res = await cluster.request('GET', '/v1/datasets/nope');
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    });
  });

  describe('training and prediction', () => {
    let jobId: string;

    it('trains a logistic regression through a queued job and registers version 1', async () => {
      const res = await cluster.request('POST', '/v1/jobs', {
        type: 'train',
        model_name: 'churn',
        dataset: datasetId,
        target: 'label',
        features: ['x1', 'x2', 'color'],
        model: { type: 'logistic_regression', hyperparameters: { C: 10 } },
        cv: 4,
      });
      expect(res.status).to.equal(202);
      expect(res.body).to.include({ type: 'train', state: 'queued' });
      jobId = res.body.id;
      const job = await cluster.waitForJob(jobId);
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      expect(job.progress).to.deep.include({ done: 5, total: 5 });
      expect(job.result).to.include({ model_name: 'churn', version: '1' });
      expect(job.result.metrics.accuracy).to.be.greaterThan(0.8);
      expect(job.result.cv_metrics.accuracy.folds).to.have.length(4);
      expect(job.attempts).to.equal(1);
      expect(job.started_at).to.be.a('string');
      expect(job.finished_at).to.be.a('string');
    });

    it('finds the job by type, state and model', async () => {
      const res = await cluster.request('GET', '/v1/jobs?type=train&state=completed&model=churn');
      expect(res.status).to.equal(200);
      expect(res.body.jobs.map((j: { id: string }) => j.id)).to.include(jobId);
      const none = await cluster.request('GET', '/v1/jobs?model=churn&state=failed');
      expect(none.body.jobs.map((j: { id: string }) => j.id)).to.not.include(jobId);
    });

    it('refuses a bad job search filter', async () => {
      const res = await cluster.request('GET', '/v1/jobs?state=sleeping');
      expect(res.status).to.equal(400);
    });

    it('shows the version with lineage and the artifact sha256 of the stored bytes', async () => {
      const res = await cluster.request('GET', '/v1/models/churn/versions/1');
      expect(res.status).to.equal(200);
      const v = res.body;
      expect(v.lineage.dataset).to.include({ id: datasetId, name: 'sample', version: 1, sha256: createHash('sha256').update(sampleCsv()).digest('hex') });
      expect(v.lineage.job_id).to.equal(jobId);
      expect(v.lineage.hyperparameters).to.deep.equal({ C: 10 });
      expect(v.lineage.package_version).to.match(/^\d+\.\d+\.\d+/);
      const doc = await cluster.deps.db.modelVersions.findOne({ modelName: 'churn', version: '1' }).lean();
      const bytes = await cluster.deps.db.artifacts.get(String(doc!.artifact.fileId), doc!.artifact.sha256);
      expect(createHash('sha256').update(bytes).digest('hex')).to.equal(v.artifact.sha256);
      const model = await cluster.request('GET', '/v1/models/churn');
      expect(model.body.versions.map((x: { version: string }) => x.version)).to.deep.equal(['1']);
      const models = await cluster.request('GET', '/v1/models');
      expect(models.body.models).to.deep.include({ name: 'churn', task: 'classification', description: '', latest_version: '1' });
    });

    it('predicts labels and class probabilities from the latest version', async () => {
      const res = await cluster.request('POST', '/v1/models/churn/predict', {
        instances: [
          { x1: 9.5, x2: 2, color: 'red' },
          { x1: 0.1, x2: -2.4, color: 'blue' },
        ],
      });
      expect(res.status).to.equal(200);
      expect(res.body.predictions).to.deep.equal(['yes', 'no']);
      expect(res.body.classes).to.deep.equal(['no', 'yes']);
      expect(res.body.probabilities[0][1]).to.be.greaterThan(0.5);
      expect(res.body.prediction_ids).to.have.length(2);
      expect(res.body.model).to.deep.equal({ name: 'churn', version: '1' });
    });

    it('trains a linear regression from a YAML body and predicts numbers', async () => {
      const yaml = [
        'model_name: price',
        `dataset: ${datasetId}`,
        'target: y',
        'features: [x1, x2, color]',
        'model:',
        '  type: linear_regression',
        '  version: 1.0.0',
        '  training:',
        '    validation_split: 0.2',
        '  monitoring:',
        '    drift_threshold: 0.1',
        '    performance_threshold: 0.95',
      ].join('\n');
      const res = await cluster.request('POST', '/v1/jobs', yaml, { 'content-type': 'application/yaml' });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      const job = await cluster.waitForJob(res.body.id);
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      expect(job.result.version).to.equal('1.0.0');
      expect(job.result.metrics.r2).to.be.greaterThan(0.99);
      const pred = await cluster.request('POST', '/v1/models/price/predict', { instances: [{ x1: 2, x2: 1, color: 'blue' }] });
      expect(pred.status).to.equal(200);
      expect(pred.body.predictions[0]).to.be.closeTo(3 * 2 - 2 * 1 + 4, 0.2);
    });

    it('trains the design seed config (xgboost alias) posted verbatim as YAML', async () => {
      const seed = [
        'model:',
        '  type: xgboost            # alias of gradient_boosting',
        '  version: 1.0.0',
        '  hyperparameters:',
        '    learning_rate: 0.1',
        '    max_depth: 6',
        '    n_estimators: 100',
        '  training:',
        '    validation_split: 0.2',
        '    early_stopping: true',
        '  serving:',
        '    batch_size: 32',
        '    cache_size: 1000',
        '  monitoring:',
        '    drift_threshold: 0.1',
        '    performance_threshold: 0.95',
      ].join('\n');
      const yaml = `model_name: seed\ndataset: ${datasetId}\ntarget: label\n${seed}\n`;
      const res = await cluster.request('POST', '/v1/jobs', yaml, { 'content-type': 'application/yaml' });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      const job = await cluster.waitForJob(res.body.id);
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      expect(job.result.version).to.equal('1.0.0');
      expect(job.result.metrics.accuracy).to.be.greaterThan(0.7);
      const version = await cluster.request('GET', '/v1/models/seed/versions/1.0.0');
      expect(version.body.type).to.equal('xgboost');
      expect(version.body.config.serving).to.deep.equal({ batch_size: 32, cache_size: 1000 });
      const pred = await cluster.request('POST', '/v1/models/seed/predict', { instances: [{ x1: 9, x2: 2, color: 'red', y: 1 }] });
      expect(pred.status, JSON.stringify(pred.body)).to.equal(200);
      expect(pred.body.predictions[0]).to.equal('yes');
    });

    it('returns the first job for a repeated Idempotency-Key', async () => {
      const body = { type: 'train', model_name: 'idem', dataset: 'sample', target: 'y', model: { type: 'linear_regression' }, cv: 2 };
      const a = await cluster.request('POST', '/v1/jobs', body, { 'idempotency-key': 'key-123' });
      const b = await cluster.request('POST', '/v1/jobs', body, { 'idempotency-key': 'key-123' });
      expect(a.status).to.equal(202);
      expect(b.status).to.equal(202);
      expect(b.body.id).to.equal(a.body.id);
      expect(b.headers.get('idempotent-replayed')).to.equal('true');
      await cluster.waitForJob(a.body.id);
      const versions = await cluster.request('GET', '/v1/models/idem');
      expect(versions.body.versions).to.have.length(1);
    });

    it('fails a job visibly, without retrying, when the data cannot train the model', async () => {
      const csv = 'a,b\n1,same\n2,same\n3,same\n4,same\n';
      const up = await cluster.request('POST', '/v1/datasets?name=oneclass', csv, { 'content-type': 'text/csv' });
      const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'bad', dataset: up.body.id, target: 'b', model: { type: 'logistic_regression' }, cv: 2 });
      expect(res.status).to.equal(202);
      const job = await cluster.waitForJob(res.body.id);
      expect(job.state).to.equal('failed');
      expect(job.error.message).to.match(/class/);
      expect(job.attempts).to.equal(1);
    });
  });

  describe('bad input', () => {
    const train = (over: Record<string, unknown>) => ({ type: 'train', model_name: 'm', dataset: 'sample', target: 'y', model: { type: 'linear_regression' }, ...over });

    it('answers malformed JSON with 400', async () => {
      const res = await cluster.request('POST', '/v1/jobs', '{"type": "train",', { 'content-type': 'application/json' });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_json');
    });

    it('answers an unknown job type with 400 listing the known ones', async () => {
      const res = await cluster.request('POST', '/v1/jobs', { type: 'paint' });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/unknown job type "paint".*train/);
    });

    it('answers an unknown dataset with 404 naming it', async () => {
      const res = await cluster.request('POST', '/v1/jobs', train({ dataset: 'no-such-data' }));
      expect(res.status).to.equal(404);
      expect(res.body.error.message).to.match(/no-such-data/);
    });

    it('answers a missing target column with 400 naming it', async () => {
      const res = await cluster.request('POST', '/v1/jobs', train({ target: 'price' }));
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/'price'/);
    });

    it('answers an unknown model type with 400 naming it', async () => {
      const res = await cluster.request('POST', '/v1/jobs', train({ model: { type: 'telepathy' } }));
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/telepathy/);
    });

    it('answers a bad hyperparameter with 400 naming it', async () => {
      const res = await cluster.request('POST', '/v1/jobs', train({ model: { type: 'ridge', hyperparameters: { alpha: -1 } } }));
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/alpha/);
    });

    it('answers a missing field with 400 naming it', async () => {
      const { model_name: _omit, ...body } = train({});
      const res = await cluster.request('POST', '/v1/jobs', body);
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/model_name/);
    });

    it('answers a body over the size limit with 413', async () => {
      const big = { ...train({}), padding: 'x'.repeat(300 * 1024) };
      const res = await cluster.request('POST', '/v1/jobs', big);
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal('payload_too_large');
    });

    it('answers text in a numeric feature at predict time with 400 naming the feature', async () => {
      const res = await cluster.request('POST', '/v1/models/churn/predict', { instances: [{ x1: 'lots', x2: 1, color: 'red' }] });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/x1/);
    });

    it('answers missing and extra features at predict time with 400 naming them', async () => {
      const res = await cluster.request('POST', '/v1/models/churn/predict', { instances: [{ x1: 1, colour: 'red' }] });
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body.error)).to.match(/x2/);
      expect(JSON.stringify(res.body.error)).to.match(/colour/);
    });

    it('answers too many instances with 413 naming the limit', async () => {
      const instances = Array.from({ length: 51 }, () => ({ x1: 1, x2: 1, color: 'red' }));
      const res = await cluster.request('POST', '/v1/models/churn/predict', { instances });
      expect(res.status).to.equal(413);
      expect(res.body.error.message).to.match(/50/);
    });

    it('answers an unknown model or version with 404', async () => {
      expect((await cluster.request('POST', '/v1/models/ghost/predict', { instances: [{ a: 1 }] })).status).to.equal(404);
      expect((await cluster.request('GET', '/v1/models/churn/versions/99')).status).to.equal(404);
    });

    it('answers an unknown route with 404 JSON', async () => {
      const res = await cluster.request('GET', '/v1/nothing');
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    });
  });
});
