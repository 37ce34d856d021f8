import { expect } from 'chai';
import mongoose from 'mongoose';
import { TestCluster } from './harness.js';
import { parsePrometheus } from './monitoring-helpers.js';

const ADMIN = 'admin-key-123456';
const METRICS = 'metrics-scraper-key-0001';

/** GET /metrics: database reads that do not grow with the number of models, and an optional key. */
describe('metrics endpoint: cost per scrape and its key', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0, apiKeys: `${ADMIN}:admin`, overrides: { api: { metricsKey: METRICS } } });
  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS}` }) => cluster.request('GET', '/metrics', undefined, headers);

  /** Database operations one scrape makes, by collection (mongoose's debug hook sees every model call of this process). */
  async function operationsOfOneScrape(): Promise<Record<string, number>> {
    await new Promise((r) => setTimeout(r, 1100)); // past the one-second snapshot reuse
    const ops: Record<string, number> = {};
    mongoose.set('debug', (collection: string) => {
      ops[collection] = (ops[collection] ?? 0) + 1;
    });
    try {
      const res = await scrape();
      expect(res.status).to.equal(200);
    } finally {
      mongoose.set('debug', false);
    }
    return ops;
  }

  async function addModels(from: number, to: number): Promise<void> {
    const at = new Date();
    await cluster.deps.db.registeredModels.insertMany(
      Array.from({ length: to - from }, (_, i) => ({
        name: `m${from + i}`,
        task: 'classification',
        latestDrift: { version: '1', share: (from + i) / 100, at },
        latestLive: { version: '1', metric: 'accuracy', value: 0.9, at },
      })),
    );
  }

  before(() => cluster.start());
  after(() => cluster.stop());

  it('makes the same database operations for 5 models as for 60 (none per model), and shows each model', async () => {
    await addModels(0, 5);
    const few = await operationsOfOneScrape();
    await addModels(5, 60);
    const many = await operationsOfOneScrape();
    expect(many).to.deep.equal(few);
    expect(many.drift_reports ?? 0).to.equal(0);
    expect(many.registered_models).to.equal(1);
    // the model series only: Node's default gauges may read NaN before their first sample
    const text = ((await scrape()).body as string).split('\n').filter((l) => /^(# (HELP|TYPE) )?trainyard_model_/.test(l)).join('\n');
    const { samples } = parsePrometheus(text);
    const shares = samples.filter((s) => s.name === 'trainyard_model_drift_share');
    expect(shares).to.have.length(60);
    expect(shares.find((s) => s.labels.model === 'm42')).to.deep.include({ labels: { model: 'm42', version: '1' }, value: 0.42 });
    expect(samples.filter((s) => s.name === 'trainyard_model_live_metric')).to.have.length(60);
  });

  it('needs the metrics key or an API key when api.metrics_key is set', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-key-000000000' }, { 'x-api-key': 'nope' }] as Array<Record<string, string>>) {
      const res = await scrape(headers);
      expect(res.status, JSON.stringify(headers)).to.equal(401);
      expect(res.body.error.code).to.equal('unauthorized');
    }
    expect((await scrape({ 'x-api-key': METRICS })).status).to.equal(200);
    expect((await scrape({ authorization: `Bearer ${ADMIN}` })).status).to.equal(200);
    expect((await cluster.request('GET', '/healthz')).status).to.equal(200);
  });
});
