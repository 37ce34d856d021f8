import { expect } from 'chai';
import { sampleCsv, TestCluster } from './harness.js';

/** A monthly-looking series: trend plus a period-12 season plus a little noise. */
function seriesCsv(n = 96): string {
  const lines = ['t,value'];
  for (let i = 0; i < n; i++) lines.push(`${i},${(50 + 0.5 * i + 10 * Math.sin((2 * Math.PI * i) / 12) + Math.sin(i * 7.3)).toFixed(4)}`);
  return lines.join('\n') + '\n';
}

describe('every model type through the cluster', function () {
  this.timeout(300_000);
  const cluster = new TestCluster({ workers: 1 });
  before(async () => {
    await cluster.start();
    expect((await cluster.request('POST', '/v1/datasets?name=tab', sampleCsv(150), { 'content-type': 'text/csv' })).status).to.equal(201);
    expect((await cluster.request('POST', '/v1/datasets?name=series', seriesCsv(), { 'content-type': 'text/csv' })).status).to.equal(201);
  });
  after(async () => {
    await cluster.stop();
  });

  const tabular: Array<{ type: string; target: 'label' | 'y'; hyperparameters?: Record<string, unknown> }> = [
    { type: 'decision_tree', target: 'label', hyperparameters: { max_depth: 4 } },
    { type: 'random_forest', target: 'label', hyperparameters: { n_estimators: 20 } },
    { type: 'gradient_boosting', target: 'y', hyperparameters: { n_estimators: 30 } },
    { type: 'ridge', target: 'y', hyperparameters: { alpha: 0.5 } },
    { type: 'mlp', target: 'label', hyperparameters: { hidden_layer_sizes: [16], epochs: 80, batch_size: 16, learning_rate: 0.01, seed: 1 } },
    { type: 'voting', target: 'label', hyperparameters: { voting: 'soft', estimators: [{ type: 'logistic_regression' }, { type: 'decision_tree', hyperparameters: { max_depth: 3 } }] } },
    { type: 'stacking', target: 'y', hyperparameters: { estimators: [{ type: 'ridge' }, { type: 'gradient_boosting', hyperparameters: { n_estimators: 10 } }], cv: 3 } },
  ];

  for (const m of tabular) {
    it(`trains ${m.type} and answers predictions`, async () => {
      const name = `m-${m.type}`;
      const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: name, dataset: 'tab', target: m.target, features: ['x1', 'x2', 'color'], model: { type: m.type, hyperparameters: m.hyperparameters ?? {} }, cv: 2 });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      const job = await cluster.waitForJob(res.body.id);
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      const pred = await cluster.request('POST', `/v1/models/${name}/predict`, { instances: [{ x1: 9, x2: 2, color: 'red' }, { x1: 0.5, x2: -2, color: 'blue' }] });
      expect(pred.status, JSON.stringify(pred.body)).to.equal(200);
      expect(pred.body.predictions).to.have.length(2);
      if (m.target === 'label') {
        expect(pred.body.classes).to.deep.equal(['no', 'yes']);
        expect(job.result.metrics.accuracy).to.be.greaterThan(0.6);
      } else {
        expect(pred.body.predictions[0]).to.be.a('number');
        expect(job.result.metrics.r2).to.be.greaterThan(0.5);
      }
    });
  }

  const forecasters: Array<{ type: string; hyperparameters: Record<string, unknown> }> = [
    { type: 'holt_winters', hyperparameters: { trend: 'add', seasonal: 'add', seasonal_periods: 12 } },
    { type: 'autoregressive', hyperparameters: { lags: 12, trend: 'ct' } },
    { type: 'lag_gradient_boosting', hyperparameters: { lags: 12, n_estimators: 30 } },
    { type: 'lstm', hyperparameters: { lags: 6, units: 8, epochs: 3, seed: 1 } },
  ];

  for (const m of forecasters) {
    it(`trains ${m.type} on a series and forecasts a horizon`, async () => {
      const name = `ts-${m.type}`;
      const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: name, dataset: 'series', target: 'value', task: 'timeseries', model: m, cv: 2 });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      const job = await cluster.waitForJob(res.body.id);
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      expect(job.result.metrics).to.have.property('rmse');
      const pred = await cluster.request('POST', `/v1/models/${name}/predict`, { horizon: 5 });
      expect(pred.status, JSON.stringify(pred.body)).to.equal(200);
      expect(pred.body.predictions).to.have.length(5);
      for (const v of pred.body.predictions) expect(v).to.be.a('number').and.within(0, 200);
    });
  }
});
