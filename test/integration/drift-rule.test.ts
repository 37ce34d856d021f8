import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { TestCluster } from './harness.js';
import { predictionsById } from '../../src/monitoring/logged-predictions.js';
import { waitFor, writeConfig } from './monitoring-helpers.js';

/** Six numeric features; the label follows f1 and f2 only. */
function wideRows(n: number, seed: number, shift: Partial<Record<string, number>> = {}): Array<Record<string, number>> {
  let a = seed >>> 0;
  const uniform = (): number => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return Array.from({ length: n }, () => {
    const r: Record<string, number> = {};
    for (const f of ['f1', 'f2', 'f3', 'f4', 'f5', 'f6']) r[f] = +(gauss() + (shift[f] ?? 0)).toFixed(4);
    return r;
  });
}

/**
 * The drift rule: two of six features far off (a drifted share of 1/3, below
 * drift_share 0.5) raise a drift alert when the predictions drifted too, and
 * say which rule fired; the same share with predictions unmoved raises none.
 */
describe('drift rule: strongly drifted features with drifted predictions', function () {
  // drift_threshold 0.25: at 300 window rows, an unmoved feature's PSI is noise of about 0.03-0.1
  this.timeout(180_000);
  let cluster: TestCluster;
  let configFile = '';

  const check = async (model: string): Promise<any> => {
    const res = await cluster.request('POST', `/v1/models/${model}/monitoring/check`, {});
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    return job.result;
  };
  const predict = async (model: string, rows: Array<Record<string, number>>): Promise<void> => {
    const res = await cluster.request('POST', `/v1/models/${model}/predict`, { instances: rows });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const ids = res.body.prediction_ids as string[];
    await waitFor('the logged predictions', async () => (await predictionsById(cluster.deps.db, ids)).length === ids.length);
  };

  before(async () => {
    configFile = writeConfig('drift-rule', { monitoring: { min_window_rows: 50, drift_share: 0.5 } });
    cluster = new TestCluster({ workers: 1, workerEnv: { TRAINYARD_CONFIG: configFile, POOL_THREADS: '1' } });
    await cluster.start();
    const rows: Array<Record<string, number | string>> = wideRows(400, 7).map((r) => ({ ...r, label: r.f1 + r.f2 > 0 ? 'yes' : 'no' }));
    const csv = ['f1,f2,f3,f4,f5,f6,label', ...rows.map((r) => `${r.f1},${r.f2},${r.f3},${r.f4},${r.f5},${r.f6},${r.label}`)].join('\n');
    expect((await cluster.request('POST', '/v1/datasets?name=wide', csv, { 'content-type': 'text/csv' })).status).to.equal(201);
    for (const name of ['wide', 'calm']) {
      const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: name, dataset: 'wide', target: 'label', model: { type: 'decision_tree', hyperparameters: { max_depth: 4 }, monitoring: { drift_threshold: 0.25 } }, cv: 2 });
      expect(res.status, JSON.stringify(res.body)).to.equal(202);
      expect((await cluster.waitForJob(res.body.id)).state).to.equal('completed');
    }
  });

  after(async () => {
    await cluster?.stop();
    rmSync(configFile, { force: true });
  });

  it('raises drift when two of six features drift and the predictions follow, naming the rule', async () => {
    // f1 and f2 far up: every prediction becomes 'yes'
    await predict('wide', wideRows(300, 99, { f1: 6, f2: 6 }));
    const result = await check('wide');
    expect(result.drifted_features).to.have.members(['f1', 'f2']);
    expect(result.share_drifted).to.be.closeTo(1 / 3, 1e-9);
    expect(result.prediction_drifted).to.equal(true);
    expect(result).to.include({ status: 'drift', drift_rule: 'feature_and_prediction' });
    const alert = await cluster.deps.db.alerts.findOne({ rule: 'drift', subject: 'wide' }).lean();
    expect(alert, 'a drift alert').to.not.equal(null);
    expect(alert!.details).to.include({ rule: 'feature_and_prediction', prediction_drifted: true });
    expect(alert!.message).to.include('and so do its predictions');
  });

  it('raises nothing for the same drifted share when the predictions do not move', async () => {
    // f5 and f6 far up: the tree never splits on them, so the predictions keep their mix
    await predict('calm', wideRows(300, 99, { f5: 6, f6: 6 }));
    const result = await check('calm');
    expect(result.drifted_features).to.have.members(['f5', 'f6']);
    expect(result.prediction_drifted).to.equal(false);
    expect(result).to.include({ status: 'ok', drift_rule: null });
    expect(await cluster.deps.db.alerts.countDocuments({ rule: 'drift', subject: 'calm' })).to.equal(0);
  });
});
