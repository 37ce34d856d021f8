import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { expirePendingFeedback } from '../../src/monitoring/feedback.js';
import { predictionsById } from '../../src/monitoring/logged-predictions.js';
import { sampleCsv, TestCluster } from './harness.js';
import { instances, waitFor } from './monitoring-helpers.js';

/**
 * Feedback sent right after its predictions, while the API still holds them
 * in the prediction log's buffer: every label is kept and counted once the
 * log is written; a label whose prediction never reaches the log expires
 * and is counted.
 */
describe('feedback sent before its predictions are logged', function () {
  this.timeout(180_000);
  // a long flush interval keeps the predictions buffered while the labels arrive
  const cluster = new TestCluster({ workers: 1, overrides: { serving: { logFlushMs: 60_000 } } });
  let ids: string[] = [];
  let predictions: string[] = [];

  before(async () => {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=labelled', sampleCsv(200), { 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
    const res = await cluster.request('POST', '/v1/jobs', {
      type: 'train',
      model_name: 'prompt',
      dataset: 'labelled',
      target: 'label',
      features: ['x1', 'x2', 'color'],
      model: { type: 'logistic_regression', hyperparameters: { C: 10 } },
      cv: 2,
    });
    expect(res.status).to.equal(202);
    const job = await cluster.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
  });

  after(async () => {
    await cluster.stop();
  });

  it('stores every label sent within milliseconds of its predictions and counts them all in live performance', async () => {
    const predicted = await cluster.request('POST', '/v1/models/prompt/predict', { instances: instances(40, 7) });
    expect(predicted.status).to.equal(200);
    ids = predicted.body.prediction_ids;
    predictions = predicted.body.predictions;
    const feedback = await cluster.request('POST', '/v1/models/prompt/feedback', { items: ids.map((id, i) => ({ prediction_id: id, label: predictions[i] })) });
    expect(feedback.status).to.equal(200);
    expect(await predictionsById(cluster.deps.db, ids), 'the predictions must still be buffered when the labels arrive').to.have.length(0);
    expect(feedback.body).to.deep.equal({ model_name: 'prompt', received: 40, labeled: 40, matched: 0, pending_ids: ids });

    await cluster.deps.models.flushLog();
    const check = await cluster.request('POST', '/v1/models/prompt/monitoring/check');
    expect(check.status).to.equal(202);
    const done = await cluster.waitForJob(check.body.id);
    expect(done.state, JSON.stringify(done.error)).to.equal('completed');
    expect(done.result.performance).to.include({ metric: 'accuracy', value: 1 });
    const view = await cluster.request('GET', '/v1/models/prompt/monitoring');
    expect(view.body.performance.latest).to.include({ metric: 'accuracy', value: 1, labeled_rows: 40 });
  });

  it('matches pending labels once logged, and drops and counts a label whose prediction never was', async () => {
    const later = await cluster.request('POST', '/v1/models/prompt/feedback', {
      items: [
        { prediction_id: ids[0], label: predictions[0] },
        { prediction_id: 'never-served', label: 'yes' },
      ],
    });
    expect(later.body).to.deep.equal({ model_name: 'prompt', received: 2, labeled: 2, matched: 1, pending_ids: ['never-served'] });
    const pendingBefore = await cluster.request('GET', '/v1/models/prompt/monitoring');
    expect(pendingBefore.body.feedback).to.deep.equal({ pending: 40, expired: 0 });

    // the cut-off in the future: every pending label is old enough to settle
    expect(await expirePendingFeedback(cluster.deps.db, 'prompt', new Date(Date.now() + 60_000))).to.equal(1);
    const view = await waitFor('the settled feedback', async () => {
      const v = await cluster.request('GET', '/v1/models/prompt/monitoring');
      return v.body.feedback.pending === 0 ? v : null;
    });
    expect(view.body.feedback).to.deep.equal({ pending: 0, expired: 1 });
    expect(await cluster.deps.db.predictionFeedback.countDocuments({ modelName: 'prompt' })).to.equal(40);
  });

  it('replaces a label sent again, and refuses an unknown model or an empty list', async () => {
    const res = await cluster.request('POST', '/v1/models/prompt/feedback', { items: [{ prediction_id: ids[1], label: 'no' }] });
    expect(res.body.matched).to.equal(1);
    expect((await cluster.request('POST', '/v1/models/nope/feedback', { items: [{ prediction_id: 'a', label: 1 }] })).status).to.equal(404);
    expect((await cluster.request('POST', '/v1/models/prompt/feedback', { items: [] })).status).to.equal(400);
  });

  it('writes the buffered prediction log when an API process shuts down gracefully', async () => {
    // a random port may be taken meanwhile (even as a client socket's local port): try another
    let port = 0;
    let api: ReturnType<typeof spawn> | undefined;
    const out: string[] = [];
    for (let attempt = 0; !api; attempt++) {
      port = 20_000 + Math.floor(Math.random() * 12_000);
      const child = spawn(process.execPath, [path.resolve('dist/src/api/cluster.js')], {
        env: { ...process.env, ...cluster.env(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', PREDICTION_LOG_FLUSH_MS: '600000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      out.length = 0;
      child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
      const listening = await new Promise<boolean>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          out.push(d.toString());
          if (d.toString().includes('api listening')) resolve(true);
        });
        child.once('exit', (code) => (out.join('').includes('EADDRINUSE') && attempt < 5 ? resolve(false) : reject(new Error(`api exited with ${code}: ${out.join('')}`))));
      });
      if (listening) api = child;
    }
    const res = await fetch(`http://127.0.0.1:${port}/v1/models/prompt/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: instances(5, 3) }),
    });
    expect(res.status).to.equal(200);
    const served = ((await res.json()) as { prediction_ids: string[] }).prediction_ids;
    expect(await predictionsById(cluster.deps.db, served)).to.have.length(0);
    const exited = new Promise<number | null>((r) => api.once('exit', (code) => r(code)));
    api.kill('SIGTERM');
    expect(await exited, out.join('')).to.equal(0);
    expect(await predictionsById(cluster.deps.db, served)).to.have.length(5);
  });
});
