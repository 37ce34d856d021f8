import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { recentPredictions, predictionsById } from '../../src/monitoring/logged-predictions.js';
import { sampleCsv, TestCluster } from './harness.js';
import { instances, parsePrometheus, startScheduler, waitFor, WebhookReceiver, writeConfig } from './monitoring-helpers.js';

/**
 * Monitoring through HTTP with two schedulers ticking every two seconds and
 * two workers: scheduled drift checks open one alert and deliver it once to
 * a webhook; feedback drives the performance alert; each tick's checks run
 * once; /metrics serves the cluster series.
 */
describe('monitoring: drift, live performance, alerts, metrics', function () {
  this.timeout(240_000);
  const receiver = new WebhookReceiver(1);
  let configFile = '';
  let cluster: TestCluster;
  const schedulers: ChildProcess[] = [];
  const schedulerLogs: string[] = [];
  let schedulingFrom = 0;

  const train = async (modelName: string, monitoring: Record<string, unknown> = {}): Promise<void> => {
    const res = await cluster.request('POST', '/v1/jobs', {
      type: 'train',
      model_name: modelName,
      dataset: 'monitored',
      target: 'label',
      features: ['x1', 'x2', 'color'],
      model: { type: 'logistic_regression', hyperparameters: { C: 10 }, monitoring },
      cv: 2,
    });
    expect(res.status).to.equal(202);
    const job = await cluster.waitForJob(res.body.id);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
  };

  const predict = async (modelName: string, rows: Array<Record<string, unknown>>): Promise<{ ids: string[]; predictions: string[] }> => {
    const res = await cluster.request('POST', `/v1/models/${modelName}/predict`, { instances: rows });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const ids = res.body.prediction_ids as string[];
    await waitFor(`${ids.length} logged predictions of ${modelName}`, async () => (await predictionsById(cluster.deps.db, ids)).length === ids.length);
    return { ids, predictions: res.body.predictions };
  };

  /** The first scheduled report of a model stored after `since` with at least `labeled` labelled rows. */
  const reportAfter = (modelName: string, since: Date, labeled = 0) =>
    waitFor(`a scheduled check of ${modelName} after ${since.toISOString()}`, () =>
      cluster.deps.db.driftReports.findOne({ modelName, trigger: 'schedule', at: { $gt: since }, labeledRows: { $gte: labeled } }).lean(),
    );

  before(async () => {
    await receiver.start();
    configFile = writeConfig('monitoring', {
      monitoring: { webhooks: [receiver.url], webhook_backoff_ms: 200, webhook_attempts: 4, sample_interval_seconds: 1, min_window_rows: 30, min_labeled_rows: 20, check_spread_seconds: 0 },
    });
    cluster = new TestCluster({
      workers: 2,
      workerEnv: { TRAINYARD_CONFIG: configFile, POOL_THREADS: '1' },
      overrides: { monitoring: { sampleIntervalSeconds: 1 } },
    });
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=monitored', sampleCsv(300), { 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
    await train('drifty');
    await train('perfy', { performance_threshold: 0.9, drift_threshold: 50 });
    await train('goody', { performance_threshold: 0.9, drift_threshold: 50 });
  });

  after(async () => {
    for (const s of schedulers) s.kill('SIGKILL');
    await cluster?.stop();
    await receiver.stop();
    rmSync(configFile, { force: true });
  });

  it('stores a reference profile with every trained version', async () => {
    const profile = await cluster.deps.db.referenceProfiles.findOne({ modelName: 'drifty', version: '1' }).lean();
    expect(profile).to.not.equal(null);
    const features = (profile!.features as { features: Array<{ feature: string; kind: string }> }).features;
    expect(features.map((f) => [f.feature, f.kind])).to.deep.equal([
      ['x1', 'numeric'],
      ['x2', 'numeric'],
      ['color', 'categorical'],
    ]);
    expect(profile!.predictionSource).to.equal('in_sample');
    expect(profile!.rows).to.equal(300);
  });

  it('stores feedback for ids not in the log as pending without failing the known ones', async () => {
    const { ids, predictions } = await predict('goody', instances(40, 11));
    const res = await cluster.request('POST', '/v1/models/goody/feedback', {
      items: [...ids.map((id, i) => ({ prediction_id: id, label: predictions[i] })), { prediction_id: 'no-such-prediction', label: 'yes' }],
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ model_name: 'goody', received: 41, labeled: 41, matched: 40, pending_ids: ['no-such-prediction'] });
    // another model's prediction id is not this model's prediction: pending, and goody's label stays
    const other = await cluster.request('POST', '/v1/models/drifty/feedback', { items: [{ prediction_id: ids[0], label: 'no' }] });
    expect(other.body.pending_ids).to.deep.equal([ids[0]]);
    expect((await cluster.request('POST', '/v1/models/nope/feedback', { items: [{ prediction_id: 'a', label: 1 }] })).status).to.equal(404);
    expect((await cluster.request('POST', '/v1/models/goody/feedback', { items: [] })).status).to.equal(400);
  });

  it('opens a drift alert from the scheduled check on shifted inputs and delivers it once to the webhook', async () => {
    const drifty = await predict('drifty', instances(60, 5, true));
    await predict('perfy', instances(40, 21));
    schedulingFrom = Date.now();
    for (let i = 0; i < 2; i++) schedulers.push(startScheduler(cluster, '*/2 * * * * *', schedulerLogs));

    const alert = await waitFor('the drift alert', () => cluster.deps.db.alerts.findOne({ rule: 'drift', subject: 'drifty' }).lean(), 90_000);
    expect(alert.state).to.equal('open');
    expect(alert.details).to.include({ version: '1', n_features: 3 });
    const delivered = await waitFor('the webhook delivery', async () => receiver.delivered().find((h) => h.body?.alert?.id === String(alert._id)), 30_000);
    expect(delivered.body.event).to.equal('alert.opened');
    expect(delivered.body.alert).to.include({ rule: 'drift', subject: 'drifty', model_name: 'drifty', severity: 'warning', state: 'open' });
    expect(delivered.body.alert.details.drifted_features).to.include.members(['x1', 'x2']);
    expect(delivered.headers['idempotency-key']).to.equal(`alert-${alert._id}`);
    // the receiver refused the first attempt: the retry delivered it
    expect(receiver.hooks.filter((h) => h.body?.alert?.id === String(alert._id)).map((h) => h.status)).to.deep.equal([503, 200]);

    // ticks with nothing new skip the model (no report, the alert stays as it is)...
    const seen = Date.now();
    const monitoring = cluster.deps.queues.get('monitoring');
    const quietTicks = async () =>
      (await monitoring.getJobs(['completed'])).filter((j) => j.name === 'tick' && (j.finishedOn ?? 0) > seen && !(j.returnvalue as { checks: string[] }).checks.some((c) => c.startsWith('monitor-drifty-')));
    await waitFor('two ticks that skipped drifty', async () => (await quietTicks()).length >= 2, 30_000);
    expect(await cluster.deps.db.driftReports.countDocuments({ modelName: 'drifty', trigger: 'schedule', at: { $gt: new Date(seen) } })).to.equal(0);
    // ...and new labels bring its check back: the same drift refreshes the alert, not reopened, and not sent again
    const labelled = new Date();
    await cluster.request('POST', '/v1/models/drifty/feedback', { items: drifty.ids.map((id, i) => ({ prediction_id: id, label: drifty.predictions[i] })) });
    await waitFor('a scheduled drifty check after the labels', async () => (await cluster.deps.db.driftReports.countDocuments({ modelName: 'drifty', trigger: 'schedule', at: { $gt: labelled } })) >= 1, 60_000);
    const alerts = await cluster.deps.db.alerts.find({ rule: 'drift', subject: 'drifty' }).lean();
    expect(alerts).to.have.length(1);
    expect(alerts[0].occurrences).to.equal(2);
    expect(receiver.hooks.filter((h) => h.body?.alert?.subject === 'drifty')).to.have.length(2);
    const stored = await cluster.request('GET', `/v1/alerts/${alert._id}`);
    expect(stored.body.deliveries).to.deep.equal([{ url: receiver.url, state: 'delivered', attempts: 2, delivered_at: stored.body.deliveries[0].delivered_at, last_error: null }]);
  });

  it('shows the drift history with per-feature statistics, latency, error rate and open alerts', async () => {
    const bad = await cluster.request('POST', '/v1/models/drifty/predict', { instances: [{ x1: 'not a number', x2: 1, color: 'red' }] });
    expect(bad.status).to.equal(400);
    // the API process writes its prediction latency and errors every sample interval
    await waitFor('the failed prediction in the predict series', async () => {
      const samples = await cluster.deps.db.metricSamples.find({ kind: 'predict', modelName: 'drifty' }).lean();
      return samples.some((x) => (x.values as { errors: number }).errors > 0);
    });
    const res = await cluster.request('GET', '/v1/models/drifty/monitoring?history=2');
    expect(res.status).to.equal(200);
    const view = res.body;
    expect(view).to.include({ model_name: 'drifty', version: '1' });
    expect(view.thresholds).to.deep.equal({ drift_threshold: 0.1, drift_share: 0.5, performance_threshold: null, metric: 'accuracy' });
    expect(view.drift.history).to.have.length(2);
    expect(view.drift.history.map((r: { status: string }) => r.status)).to.deep.equal(['drift', 'drift']);
    const latest = view.drift.latest;
    expect(latest).to.include({ status: 'drift', drifted: true, window_rows: 60, n_features: 3 });
    const x1 = latest.features.find((f: { feature: string }) => f.feature === 'x1');
    expect(x1).to.include({ kind: 'numeric', drifted: true });
    expect(x1.psi).to.be.above(1);
    expect(x1.ks_statistic).to.equal(1);
    expect(x1.ks_p_value).to.be.below(1e-6);
    expect(x1.wasserstein).to.be.closeTo(25, 1);
    expect(x1.js_distance).to.be.within(0.5, 1);
    const color = latest.features.find((f: { feature: string }) => f.feature === 'color');
    expect(color).to.include({ kind: 'categorical' });
    expect(color.chi2_p_value).to.be.below(1e-6);
    expect(color.window_other_fraction).to.equal(0.5);
    expect(latest.prediction).to.include({ feature: 'prediction', kind: 'categorical' });
    const latency = view.latency.by_version.find((v: { version: string }) => v.version === '1');
    expect(latency.predictions).to.equal(60);
    expect(latency.p50_ms).to.be.a('number');
    expect(latency.requests).to.equal(2);
    expect(latency.errors).to.equal(1);
    expect(latency.error_rate).to.equal(0.5);
    expect(latency.histogram).to.have.length(view.latency.bounds_ms.length + 1);
    expect(latency.histogram.reduce((a: number, b: number) => a + b, 0)).to.equal(2);
    expect(view.alerts.map((a: { rule: string }) => a.rule)).to.deep.equal(['drift']);
  });

  it('raises a performance alert from feedback worse than the threshold, and good feedback resolves nothing falsely', async () => {
    const perfy = await recentPredictions(cluster.deps.db, { modelName: 'perfy' }, new Date(0), new Date(), 10_000);
    const wrong = (p: unknown): string => (p === 'yes' ? 'no' : 'yes');
    const bad = await cluster.request('POST', '/v1/models/perfy/feedback', { items: perfy.map((r) => ({ prediction_id: r.id, label: wrong(r.prediction) })) });
    expect(bad.body.labeled).to.equal(40);
    const alert = await waitFor('the performance alert', () => cluster.deps.db.alerts.findOne({ rule: 'performance', subject: 'perfy' }).lean(), 60_000);
    expect(alert).to.include({ state: 'open', severity: 'critical', value: 0, threshold: 0.9 });
    // a check may have run while the labels were being written: it saw some of them
    expect(alert.details).to.include({ metric: 'accuracy' });
    expect(alert.details.labeled_rows).to.be.within(20, 40);

    // a healthy model's good feedback (labelled in an earlier test) opens nothing
    const goodyReport = await reportAfter('goody', new Date(schedulingFrom), 40);
    expect(goodyReport.performance).to.include({ metric: 'accuracy', value: 1, breached: false });
    // and more good feedback on the failing model leaves its window below the threshold: the alert stays open
    const { ids, predictions } = await predict('perfy', instances(10, 31));
    const sent = new Date();
    await cluster.request('POST', '/v1/models/perfy/feedback', { items: ids.map((id, i) => ({ prediction_id: id, label: predictions[i] })) });
    const after = await reportAfter('perfy', sent, 50);
    expect(after.performance).to.include({ value: 0.2, breached: true });
    const still = await cluster.deps.db.alerts.find({ rule: 'performance' }).lean();
    expect(still.map((a) => [a.subject, a.state])).to.deep.equal([['perfy', 'open']]);
    expect(receiver.delivered().filter((h) => h.body?.alert?.rule === 'performance')).to.have.length(1);

    // correcting the labels clears the condition: resolved by the check, not by hand
    const fixed = new Date();
    await cluster.request('POST', '/v1/models/perfy/feedback', { items: perfy.map((r) => ({ prediction_id: r.id, label: r.prediction })) });
    const resolved = await waitFor('the performance alert resolved', () => cluster.deps.db.alerts.findOne({ _id: alert._id, state: 'resolved' }).lean(), 60_000);
    expect(resolved.resolvedBy).to.equal('condition_cleared');
    expect(resolved.resolvedAt!.getTime()).to.be.above(fixed.getTime());
    // a check may have caught the labels half-corrected; the next one sees them all
    await waitFor('a check with every label corrected', () => cluster.deps.db.metricSamples.findOne({ kind: 'performance', subject: 'perfy', 'values.value': 1 }).lean());
    const live = await cluster.request('GET', '/v1/models/perfy/monitoring');
    expect(live.body.performance.latest).to.include({ metric: 'accuracy', value: 1, threshold: 0.9, labeled_rows: 50 });
  });

  it('runs each tick and each tick\'s model checks once with two schedulers and two workers', async () => {
    // the schedulers have been ticking since the drift test; stop them and let the last tick drain
    for (const s of schedulers) s.kill('SIGTERM');
    await Promise.all(schedulers.map((s) => new Promise((r) => (s.exitCode === null ? s.once('exit', r) : r(null)))));
    const db = cluster.deps.db;
    const monitoring = cluster.deps.queues.get('monitoring');
    await waitFor('the monitoring queue to drain', async () => {
      const c = await monitoring.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return c.waiting + c.active + c.delayed + c.prioritized === 0;
    });
    const snapshots = await db.queueHealth.find().lean();
    const ticks = snapshots.map((s) => s.tick);
    expect(ticks.length).to.be.at.least(5);
    expect(new Set(ticks).size).to.equal(ticks.length);
    // both schedulers enqueued every tick...
    const enqueued = schedulerLogs
      .join('')
      .split('\n')
      .filter((l) => l.includes('"msg":"tick enqueued"'))
      .map((l) => JSON.parse(l) as { tick: string; pid: number });
    const both = ticks.filter((tick) => new Set(enqueued.filter((e) => e.tick === tick).map((e) => e.pid)).size === 2);
    // (the first or last tick may fall while only one of them is up)
    expect(both.length).to.be.at.least(Math.max(3, ticks.length - 2));

    const reports = await db.driftReports.find({ trigger: 'schedule' }).lean();
    const keys = reports.map((r) => `${r.modelName}|${r.runKey}`);
    expect(new Set(keys).size).to.equal(keys.length);
    // each tick queued the checks of the models with something new (the first tick: all three), and each ran once
    const queued = await Promise.all(ticks.map(async (t) => ((await monitoring.getJob(`tick-${new Date(t).getTime()}`))!.returnvalue as { checks: string[] }).checks));
    expect(queued[0]).to.have.length(3);
    for (const [i, tick] of ticks.entries()) {
      expect(reports.filter((r) => r.runKey === tick).map((r) => `monitor-${r.modelName}-${new Date(tick).getTime()}`).sort(), tick).to.deep.equal([...queued[i]].sort());
    }
    const queueSamples = await db.metricSamples.find({ kind: 'queue' }).lean();
    for (const tick of ticks) expect(queueSamples.filter((s) => s.key.endsWith(`|${tick}`)).length, tick).to.equal(cluster.deps.queues.all().length);

    // ...and the workers started every tick job and every check job exactly once
    const started = [...cluster.workerLogs.values()]
      .flat()
      .join('')
      .split('\n')
      .filter((l) => l.includes('"msg":"job started"'))
      .map((l) => JSON.parse(l).job as string);
    const ids = [...ticks.map((t) => `tick-${new Date(t).getTime()}`), ...queued.flat()];
    for (const id of ids) expect(started.filter((s) => s === id), id).to.have.length(1);
    // and none failed
    expect((await monitoring.getJobCounts('failed')).failed).to.equal(0);
  });

  it('runs an on-demand check as a job visible at GET /v1/jobs/:id', async () => {
    const res = await cluster.request('POST', '/v1/models/drifty/monitoring/check');
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ type: 'monitor', state: 'queued', model_name: 'drifty' });
    const job = await cluster.waitForJob(res.body.id);
    expect(job.state).to.equal('completed');
    expect(job.result).to.include({ model_name: 'drifty', version: '1', status: 'drift', window_rows: 60, n_features: 3, stored: true });
    const report = await cluster.deps.db.driftReports.findOne({ runKey: res.body.id }).lean();
    expect(report).to.include({ trigger: 'on_demand', jobId: res.body.id });
    expect((await cluster.request('POST', '/v1/models/nope/monitoring/check')).status).to.equal(404);
  });

  it('acknowledges and resolves alerts, and lists them by state', async () => {
    const open = await cluster.request('GET', '/v1/alerts?state=open');
    const drift = open.body.alerts.find((a: { rule: string }) => a.rule === 'drift');
    expect(drift).to.include({ subject: 'drifty', state: 'open' });
    const ack = await cluster.request('POST', `/v1/alerts/${drift.id}/ack`);
    expect(ack.status).to.equal(200);
    expect(ack.body).to.include({ state: 'acknowledged', acknowledged_by: 'anonymous' });
    const acked = await cluster.request('GET', '/v1/alerts?state=acknowledged');
    expect(acked.body.alerts.map((a: { id: string }) => a.id)).to.include(drift.id);
    const resolved = await cluster.request('POST', `/v1/alerts/${drift.id}/resolve`);
    expect(resolved.body).to.include({ state: 'resolved', resolved_by: 'api:anonymous' });
    expect((await cluster.request('POST', `/v1/alerts/${drift.id}/ack`)).status).to.equal(409);
    const all = await cluster.request('GET', '/v1/alerts?state=resolved');
    expect(all.body.alerts.map((a: { rule: string; subject: string }) => `${a.rule}:${a.subject}`)).to.include.members(['drift:drifty', 'performance:perfy']);
    expect((await cluster.request('GET', '/v1/alerts/0123456789abcdef01234567')).status).to.equal(404);
    expect((await cluster.request('GET', '/v1/alerts/not-an-id')).status).to.equal(404);
    expect((await cluster.request('GET', '/v1/alerts?state=sleeping')).status).to.equal(400);
  });

  it('serves valid Prometheus text with queue, latency and process series', async () => {
    await waitFor('worker process samples', async () => (await cluster.deps.db.metricSamples.countDocuments({ kind: 'process', role: 'worker' })) > 0);
    const res = await fetch(`${cluster.baseUrl}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const { types, samples } = parsePrometheus(await res.text());
    const find = (name: string, labels: Record<string, string> = {}) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

    expect(types.get('trainyard_queue_jobs')).to.equal('gauge');
    expect(find('trainyard_queue_jobs', { queue: 'train', state: 'completed' })[0].value).to.be.at.least(3);
    expect(find('trainyard_queue_workers', { queue: 'monitoring' })[0].value).to.equal(2);
    expect(find('trainyard_queue_throughput_per_second', { queue: 'monitoring' })).to.have.length(1);

    expect(types.get('trainyard_predict_latency_seconds')).to.equal('histogram');
    const buckets = find('trainyard_predict_latency_seconds_bucket', { model: 'drifty', version: '1' });
    expect(buckets.at(-1)!.labels.le).to.equal('+Inf');
    expect(buckets.at(-1)!.value).to.be.at.least(1);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i].value).to.be.at.least(buckets[i - 1].value);
    expect(find('trainyard_predict_requests_total', { model: 'drifty', version: '1', outcome: 'ok' })[0].value).to.be.at.least(1);

    expect(find('process_cpu_user_seconds_total')).to.have.length(1);
    const workerRss = find('trainyard_process_resident_memory_bytes', { role: 'worker' });
    expect(workerRss).to.have.length(2);
    for (const s of workerRss) expect(s.value).to.be.above(10_000_000);
    expect(find('trainyard_process_event_loop_lag_seconds', { role: 'worker' })).to.have.length(2);
    expect(find('trainyard_model_drift_share', { model: 'drifty', version: '1' })[0].value).to.equal(1);
    expect(find('trainyard_model_live_metric', { model: 'perfy', metric: 'accuracy' })[0].value).to.equal(1);
  });

  it('reads the resource series back through the API', async () => {
    const processes = await cluster.request('GET', '/v1/monitoring/series?kind=process&limit=20');
    expect(processes.status).to.equal(200);
    const sample = processes.body.samples.find((s: { role: string }) => s.role === 'worker');
    expect(sample.values).to.have.keys([
      'cpu',
      'rss_bytes',
      'heap_used_bytes',
      'heap_total_bytes',
      'external_bytes',
      'event_loop_lag_mean_ms',
      'event_loop_lag_p99_ms',
      'event_loop_lag_max_ms',
      'uptime_seconds',
    ]);
    const queue = await cluster.request('GET', '/v1/monitoring/series?kind=queue&subject=monitoring&limit=3');
    expect(queue.body.samples).to.have.length(3);
    expect(queue.body.samples[0].values).to.include.keys(['waiting', 'workers', 'throughput', 'failure_rate', 'mean_wait_seconds', 'oldest_wait_seconds']);
    const predict = await cluster.request('GET', '/v1/monitoring/series?kind=performance&model=perfy&limit=1');
    expect(predict.body.samples[0].values).to.include({ metric: 'accuracy', value: 1 });
    expect((await cluster.request('GET', '/v1/monitoring/series?kind=nope')).status).to.equal(400);
  });
});
