import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sampleCsv, slowCsv, slowModel, TestCluster } from './harness.js';

const configDir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-limits-'));
const workerConfig = path.join(configDir, 'trainyard.yaml');
writeFileSync(workerConfig, 'limits:\n  timeout_seconds:\n    train: 2\n');

describe('job cost limits, named and checked at submit', function () {
  this.timeout(240_000);
  const cluster = new TestCluster({ workers: 1, workerEnv: { TRAINYARD_CONFIG: workerConfig }, overrides: { limits: { datasetColumns: 6, datasetRows: 3000 } } });
  before(async () => {
    await cluster.start();
    for (const [name, csv] of [['sample', sampleCsv()], ['slow', slowCsv()]]) {
      const up = await cluster.request('POST', `/v1/datasets?name=${name}`, csv, { 'content-type': 'text/csv' });
      expect(up.status, JSON.stringify(up.body)).to.equal(201);
    }
  });
  after(() => cluster.stop());

  const train = (model: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'train', model_name: 'limited', dataset: 'sample', target: 'label', task: 'classification', model, cv: 2, ...extra });
  const tune = (space: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'tune',
    model_name: 'limited-tune',
    dataset: 'sample',
    target: 'label',
    task: 'classification',
    model: { type: 'gradient_boosting' },
    search_space: space,
    sampler: 'grid',
    cv: 2,
    ...extra,
  });
  const members = (n: number) => Array.from({ length: n }, () => ({ type: 'logistic_regression' }));

  const cases: Array<{ what: string; body: Record<string, unknown>; path: string; key: string; value: unknown }> = [
    { what: 'boosting rounds', body: train({ type: 'gradient_boosting', hyperparameters: { n_estimators: 1e12 } }), path: 'model.hyperparameters.n_estimators', key: 'limits.max_trees', value: 1e12 },
    { what: 'xgboost rounds', body: train({ type: 'xgboost', hyperparameters: { n_estimators: 5001 } }), path: 'model.hyperparameters.n_estimators', key: 'limits.max_trees', value: 5001 },
    { what: 'forest trees', body: train({ type: 'random_forest', hyperparameters: { n_estimators: 100000 } }), path: 'model.hyperparameters.n_estimators', key: 'limits.max_trees', value: 100000 },
    { what: 'tree depth', body: train({ type: 'decision_tree', hyperparameters: { max_depth: 1000 } }), path: 'model.hyperparameters.max_depth', key: 'limits.max_depth', value: 1000 },
    { what: 'epochs', body: train({ type: 'mlp', hyperparameters: { epochs: 1e9 } }), path: 'model.hyperparameters.epochs', key: 'limits.max_epochs', value: 1e9 },
    { what: 'layer widths', body: train({ type: 'mlp', hyperparameters: { hidden_layer_sizes: [100000, 100000] } }), path: 'model.hyperparameters.hidden_layer_sizes[0]', key: 'limits.max_layer_width', value: 100000 },
    { what: 'layer count', body: train({ type: 'mlp', hyperparameters: { hidden_layer_sizes: Array(17).fill(2) } }), path: 'model.hyperparameters.hidden_layer_sizes.length', key: 'limits.max_layers', value: 17 },
    { what: 'LSTM units', body: train({ type: 'lstm', hyperparameters: { units: 100000 } }, { task: 'timeseries', target: 'y' }), path: 'model.hyperparameters.units', key: 'limits.max_units', value: 100000 },
    { what: 'lags', body: train({ type: 'autoregressive', hyperparameters: { lags: 100000 } }, { task: 'timeseries', target: 'y' }), path: 'model.hyperparameters.lags', key: 'limits.max_lags', value: 100000 },
    { what: 'solver iterations', body: train({ type: 'logistic_regression', hyperparameters: { max_iter: 1e9 } }), path: 'model.hyperparameters.max_iter', key: 'limits.max_iterations', value: 1e9 },
    { what: 'threads', body: train({ type: 'gradient_boosting', hyperparameters: { n_jobs: 4096 } }), path: 'model.hyperparameters.n_jobs', key: 'worker.pool_threads', value: 4096 },
    { what: 'ensemble members', body: train({ type: 'voting', hyperparameters: { estimators: members(40) } }), path: 'model.hyperparameters.estimators.length', key: 'limits.max_ensemble_members', value: 40 },
    {
      what: "an ensemble member's rounds",
      body: train({ type: 'voting', hyperparameters: { estimators: [{ type: 'gradient_boosting', hyperparameters: { n_estimators: 1e9 } }] } }),
      path: 'model.hyperparameters.estimators[0].hyperparameters.n_estimators',
      key: 'limits.max_trees',
      value: 1e9,
    },
    { what: 'a searched range', body: tune({ n_estimators: { type: 'int', low: 1, high: 1e9 } }, { sampler: 'random', n_trials: 3 }), path: 'search_space.n_estimators.high', key: 'limits.max_trees', value: 1e9 },
    { what: 'a searched choice', body: tune({ max_depth: { type: 'categorical', choices: [2, 500] } }, { sampler: 'random', n_trials: 3 }), path: 'search_space.max_depth.choices[1]', key: 'limits.max_depth', value: 500 },
    { what: 'an int grid without n_trials', body: tune({ learning_rate: { type: 'float', low: 0.01, high: 0.3, step: 0.01 }, seed: { type: 'int', low: 1, high: 1e9 } }), path: 'search_space (grid points)', key: 'limits.max_grid_size', value: null },
    { what: 'a float grid with a tiny step', body: tune({ learning_rate: { type: 'float', low: 0.01, high: 0.3, step: 1e-300 } }), path: 'search_space (grid points)', key: 'limits.max_grid_size', value: null },
  ];

  for (const c of cases) {
    it(`refuses ${c.what} over its limit with a 400 naming ${c.key}`, async () => {
      const res = await cluster.request('POST', '/v1/jobs', c.body);
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.code).to.equal('limit_exceeded');
      expect(res.body.error.message).to.include(c.path).and.include(c.key);
      if (c.value !== null) expect(res.body.error.message).to.include(`is ${JSON.stringify(c.value)}`);
      expect(res.body.error.details[0]).to.include({ path: c.path, key: c.key });
    });
  }

  it('accepts a job at its limits', async () => {
    const res = await cluster.request('POST', '/v1/jobs', train({ type: 'gradient_boosting', hyperparameters: { n_estimators: 5, max_depth: 32, n_jobs: 2 } }));
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
  });

  it('runs a grid of a billion points when n_trials says how many to take', async () => {
    const res = await cluster.request('POST', '/v1/jobs', tune({ seed: { type: 'int', low: 1, high: 1e9 } }, { n_trials: 2 }));
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
  });

  it('refuses a CSV with more columns than limits.dataset_columns before parsing it', async () => {
    const header = Array.from({ length: 7 }, (_, i) => `c${i}`).join(',');
    const res = await cluster.request('POST', '/v1/datasets?name=wide', `${header}\n${'1,'.repeat(6)}1\n`, { 'content-type': 'text/csv' });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error).to.include({ code: 'limit_exceeded' });
    expect(res.body.error.message).to.include('limits.dataset_columns').and.include('7 columns');
  });

  it('refuses a CSV with more rows than limits.dataset_rows', async () => {
    const res = await cluster.request('POST', '/v1/datasets?name=long', sampleCsv(3001), { 'content-type': 'text/csv' });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error.message).to.include('limits.dataset_rows');
    const ok = await cluster.request('POST', '/v1/datasets?name=long', sampleCsv(3000), { 'content-type': 'text/csv' });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
  });

  it('refuses a JSON dataset with more columns than allowed', async () => {
    const row = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`c${i}`, i]));
    const res = await cluster.request('POST', '/v1/datasets', { name: 'wide-json', rows: [row] });
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error.message).to.include('limits.dataset_columns');
  });

  it('fails a job that runs past its wall-clock limit with code timeout, and the worker goes on', async () => {
    const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'too-slow', dataset: 'slow', target: 'target', task: 'classification', model: { ...slowModel, hyperparameters: { ...slowModel.hyperparameters, epochs: 500 } }, cv: 2 });
    expect(res.status).to.equal(202);
    const started = Date.now();
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed'], 60_000);
    expect(job.state).to.equal('failed');
    expect(job.error.code).to.equal('timeout');
    expect(job.error.message).to.include('limits.timeout_seconds');
    expect(Date.now() - started).to.be.below(30_000);
    const bullJob = await cluster.deps.queues.get('train').getJob(res.body.id);
    expect(await bullJob!.getState()).to.equal('failed');
    const next = await cluster.request('POST', '/v1/jobs', train({ type: 'logistic_regression' }, { model_name: 'after-timeout' }));
    const done = await cluster.waitForJob(next.body.id);
    expect(done.state, JSON.stringify(done.error)).to.equal('completed');
  });
});
