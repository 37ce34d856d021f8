import { expect } from 'chai';
import { TestCluster } from './harness.js';

/**
 * A dataset where the model's decisions differ by group: x drives the label
 * and group A has higher x than group B, so A is selected more often.
 */
function fairnessCsv(rows = 240): { csv: string; records: Array<Record<string, number | string>> } {
  let s = 11;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const records: Array<Record<string, number | string>> = [];
  for (let i = 0; i < rows; i++) {
    const group = i % 2 === 0 ? 'A' : 'B';
    const x = +(group === 'A' ? 3 + rand() * 7 : rand() * 7).toFixed(3);
    const z = +(rand() * 2 - 1).toFixed(3);
    const region = ['north', 'south', 'east'][i % 3];
    const label = x + 1.5 * (rand() - 0.5) > 5 ? 'yes' : 'no';
    const y = +(2 * x - 3 * z + (rand() - 0.5)).toFixed(4);
    records.push({ x, z, group, region, label, y });
  }
  const csv = ['x,z,group,region,label,y', ...records.map((r) => `${r.x},${r.z},${r.group},${r.region},${r.label},${r.y}`)].join('\n') + '\n';
  return { csv, records };
}

const close = (a: number | null, b: number | null): void => {
  expect(a).to.be.a('number');
  expect(a!).to.be.closeTo(b!, 1e-9);
};

describe('evaluate jobs and validation gates (real Redis and MongoDB)', function () {
  this.timeout(180_000);
  const cluster = new TestCluster({ workers: 1 });
  const { csv, records } = fairnessCsv();
  const features = (r: Record<string, number | string>) => ({ x: r.x, z: r.z });
  let clf: any;
  let predictions: string[];

  async function submit(body: Record<string, unknown>): Promise<any> {
    const res = await cluster.request('POST', '/v1/jobs', body);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    return cluster.waitForJob(res.body.id);
  }

  before(async () => {
    await cluster.start();
    expect((await cluster.request('POST', '/v1/datasets?name=people', csv, { 'content-type': 'text/csv' })).status).to.equal(201);
    const model = { type: 'logistic_regression', monitoring: { performance_threshold: 0.7 } };
    const trained = await submit({ type: 'train', model_name: 'fair', dataset: 'people', target: 'label', features: ['x', 'z'], model, cv: 2 });
    expect(trained.state, JSON.stringify(trained.error)).to.equal('completed');
    const reg = { type: 'linear_regression', monitoring: { metric: 'r2', performance_threshold: 0.9 } };
    const trainedReg = await submit({ type: 'train', model_name: 'price', dataset: 'people', target: 'y', features: ['x', 'z'], model: reg, cv: 2 });
    expect(trainedReg.state, JSON.stringify(trainedReg.error)).to.equal('completed');
    const predicted = await cluster.request('POST', '/v1/models/fair/predict', { instances: records.map(features) });
    expect(predicted.status).to.equal(200);
    predictions = predicted.body.predictions;
    const job = await submit({ type: 'evaluate', model_name: 'fair', version: '1', dataset: 'people', target: 'label', sensitive_features: ['group'], slices: ['region', 'x'] });
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    clf = job.result;
  });
  after(async () => {
    await cluster.stop();
  });

  describe('classification', () => {
    it('scores the version on the dataset with the metrics of its predictions', () => {
      expect(clf).to.include({ model_name: 'fair', version: '1', target: 'label', task: 'classification', rows: records.length });
      const accuracy = predictions.filter((p, i) => p === records[i].label).length / records.length;
      close(clf.metrics.accuracy, accuracy);
      expect(clf.primary_metric).to.deep.equal({ name: 'accuracy', value: clf.metrics.accuracy, direction: 'maximize', threshold: 0.7 });
      expect(clf.metrics).to.have.property('roc_auc');
    });

    it('gives a confusion matrix that counts the predictions', () => {
      const cm = clf.confusion_matrix;
      expect(cm.labels).to.deep.equal(['no', 'yes']);
      for (const row of cm.rows) {
        const counts = cm.labels.map((p: string) => records.filter((r, i) => r.label === row.actual && predictions[i] === p).length);
        expect(row.predicted).to.deep.equal(counts);
      }
    });

    it('gives a binned calibration curve of the positive class covering every row', () => {
      expect(clf.calibration).to.include({ kind: 'binary', positive_label: 'yes' });
      expect(clf.calibration.bins.reduce((a: number, b: any) => a + b.count, 0)).to.equal(records.length);
      for (const b of clf.calibration.bins) {
        expect(b.mean_predicted).to.be.within(b.lower, b.upper);
        expect(b.observed).to.be.within(0, 1);
      }
      expect(clf.calibration.ece).to.be.within(0, 1);
    });

    it('slices by a text column and by quantile bins of a numeric one, worst slice first', () => {
      const regions = clf.slices.filter((s: any) => s.column === 'region');
      expect(regions.map((s: any) => s.slice).sort()).to.deep.equal(['east', 'north', 'south']);
      for (const s of regions) {
        const idx = records.map((r, i) => (r.region === s.slice ? i : -1)).filter((i) => i >= 0);
        expect(s.rows).to.equal(idx.length);
        close(s.metrics.accuracy, idx.filter((i) => predictions[i] === records[i].label).length / idx.length);
        expect(s.value).to.equal(s.metrics.accuracy);
      }
      const bins = clf.slices.filter((s: any) => s.column === 'x');
      expect(bins).to.have.length(4);
      expect(bins.reduce((a: number, s: any) => a + s.rows, 0)).to.equal(records.length);
      for (const s of bins) expect(s.slice).to.match(/^\[[-\d.]+, [-\d.]+[)\]]$/);
      const values = clf.slices.map((s: any) => s.value).filter((v: number | null) => v !== null);
      expect(values).to.deep.equal([...values].sort((a: number, b: number) => a - b));
    });

    it('reports per-group rates and disparities that match the predictions (Fairlearn definitions)', () => {
      expect(clf.bias.positive_label).to.equal('yes');
      const report = clf.bias.features[0];
      expect(report.feature).to.equal('group');
      const rates = ['A', 'B'].map((g) => {
        const idx = records.map((r, i) => (r.group === g ? i : -1)).filter((i) => i >= 0);
        const pos = idx.filter((i) => records[i].label === 'yes');
        const neg = idx.filter((i) => records[i].label === 'no');
        return {
          g,
          selection: idx.filter((i) => predictions[i] === 'yes').length / idx.length,
          tpr: pos.filter((i) => predictions[i] === 'yes').length / pos.length,
          fpr: neg.filter((i) => predictions[i] === 'yes').length / neg.length,
          accuracy: idx.filter((i) => predictions[i] === records[i].label).length / idx.length,
        };
      });
      expect(report.by_group.map((b: any) => b.group)).to.deep.equal(['A', 'B']);
      rates.forEach((r, k) => {
        const b = report.by_group[k];
        close(b.selection_rate, r.selection);
        close(b.true_positive_rate, r.tpr);
        close(b.false_positive_rate, r.fpr);
        close(b.accuracy, r.accuracy);
      });
      const sel = rates.map((r) => r.selection);
      close(report.demographic_parity_difference, Math.max(...sel) - Math.min(...sel));
      close(report.demographic_parity_ratio, Math.min(...sel) / Math.max(...sel));
      close(report.disparate_impact_ratio, Math.min(...sel) / Math.max(...sel));
      close(report.equalized_odds_difference, Math.max(Math.abs(rates[0].tpr - rates[1].tpr), Math.abs(rates[0].fpr - rates[1].fpr)));
      expect(report.four_fifths_passed).to.equal(report.disparate_impact_ratio >= 0.8);
      expect(report.disparate_impact_ratio).to.be.below(0.8);
    });

    it('fails the disparate impact gate and names it', () => {
      expect(clf.gates.passed).to.equal(false);
      expect(clf.gates.failed).to.include('disparate_impact_ratio:group');
      const primary = clf.gates.checks.find((c: any) => c.gate === 'primary_metric');
      expect(primary.passed).to.equal(clf.metrics.accuracy >= 0.7);
    });

    it('keeps the evaluation on record for the version', async () => {
      const res = await cluster.request('GET', '/v1/models/fair/versions/1/evaluations');
      expect(res.body.evaluations).to.have.length(1);
      expect(res.body.evaluations[0].id).to.equal(clf.evaluation_id);
      expect(res.body.evaluations[0].metrics).to.deep.equal(clf.metrics);
    });

    it('refuses production because of the bias gate, and lets a forced promotion through with its reason', async () => {
      const refused = await cluster.request('PUT', '/v1/models/fair/aliases/production', { version: '1' });
      expect(refused.status).to.equal(409);
      expect(refused.body.error.details.failed).to.include('disparate_impact_ratio:group');
      expect(refused.body.error.message).to.match(/disparate_impact_ratio for 'group'/);
      const forced = await cluster.request('PUT', '/v1/models/fair/aliases/production', { version: '1', force: true, reason: 'accepted by the review board' });
      expect(forced.status).to.equal(200);
      const history = (await cluster.request('GET', '/v1/models/fair/aliases/production/history')).body.history;
      expect(history[0]).to.include({ to: '1', forced: true, reason: 'accepted by the review board' });
      expect(history[0].gates.failed).to.include('disparate_impact_ratio:group');
    });

    it('evaluates the version an alias points at', async () => {
      const job = await submit({ type: 'evaluate', model_name: 'fair', alias: 'production', dataset: 'people' });
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      expect(job.result).to.include({ version: '1', target: 'label' });
      expect(job.result.bias).to.equal(null);
      expect(job.result.slices).to.deep.equal([]);
    });

    it('keeps failing the bias gate when a newer evaluation leaves the sensitive features out, and gates an alias whatever its case', async () => {
      const job = await submit({ type: 'evaluate', model_name: 'fair', version: '1', dataset: 'people' });
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      expect(job.result.bias).to.equal(null);
      expect(job.result.gates.failed).to.include('disparate_impact_ratio:group');
      expect(job.result.gates.checks.find((c: any) => c.feature === 'group').message).to.include(`from evaluation ${clf.evaluation_id}`);
      for (const alias of ['Production', 'PRODUCTION']) {
        const res = await cluster.request('PUT', `/v1/models/fair/aliases/${alias}`, { version: '1' });
        expect(res.status, `${alias}: ${JSON.stringify(res.body)}`).to.equal(409);
        expect(res.body.error.code).to.equal('gate_failed');
        expect(res.body.error.details.failed).to.include('disparate_impact_ratio:group');
        expect(res.body.error.details.evaluation_id).to.equal(job.result.evaluation_id);
      }
      const reserved = await cluster.request('PUT', '/v1/models/fair/aliases/LaTeSt', { version: '1' });
      expect(reserved.status).to.equal(400);
      expect(reserved.body.error.message).to.include('reserved');
    });
  });

  describe('regression', () => {
    it('summarises residuals and gates on r2', async () => {
      const job = await submit({ type: 'evaluate', model_name: 'price', dataset: 'people', slices: ['group'] });
      expect(job.state, JSON.stringify(job.error)).to.equal('completed');
      const r = job.result;
      expect(r).to.include({ task: 'regression', version: '1' });
      expect(r.confusion_matrix).to.equal(null);
      expect(r.calibration).to.equal(null);
      const predicted = (await cluster.request('POST', '/v1/models/price/predict', { instances: records.map(features) })).body.predictions as number[];
      const residuals = records.map((rec, i) => (rec.y as number) - predicted[i]);
      expect(r.residuals.count).to.equal(records.length);
      close(r.residuals.mean, residuals.reduce((a, b) => a + b, 0) / residuals.length);
      close(r.residuals.min, Math.min(...residuals));
      close(r.residuals.max, Math.max(...residuals));
      expect(r.residuals.histogram.reduce((a: number, b: any) => a + b.count, 0)).to.equal(records.length);
      expect(r.primary_metric).to.include({ name: 'r2', threshold: 0.9 });
      expect(r.gates.passed).to.equal(r.metrics.r2 >= 0.9);
      expect(r.slices.map((s: any) => s.slice).sort()).to.deep.equal(['A', 'B']);
    });
  });

  describe('bad input at submit time', () => {
    const base = { type: 'evaluate', model_name: 'fair', dataset: 'people' };
    const post = (body: Record<string, unknown>) => cluster.request('POST', '/v1/jobs', body);

    it('answers 404 for an unknown model, version, alias or dataset', async () => {
      for (const body of [
        { ...base, model_name: 'ghost' },
        { ...base, version: '9' },
        { ...base, alias: 'canary' },
        { ...base, dataset: 'nowhere' },
        // name@version names that version or nothing: never the latest
        { ...base, dataset: 'people@9' },
        { ...base, dataset: 'people@x' },
        { ...base, dataset: 'people@1.0' },
        { ...base, dataset: 'people@0' },
      ]) {
        const res = await post(body);
        expect(res.status, JSON.stringify(body)).to.equal(404);
      }
    });

    it('answers 400 naming a missing slice or sensitive column', async () => {
      const res = await post({ ...base, slices: ['height'], sensitive_features: ['ethnicity'] });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/slice column 'height'/);
      expect(res.body.error.message).to.match(/sensitive feature column 'ethnicity'/);
    });

    it('answers 400 for both version and alias, and for a bias report of a regression', async () => {
      expect((await post({ ...base, version: '1', alias: 'production' })).status).to.equal(400);
      expect((await post({ ...base, model_name: 'price', sensitive_features: ['group'] })).status).to.equal(400);
    });
  });
});
