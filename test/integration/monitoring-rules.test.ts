import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { expect } from 'chai';
import { TestCluster } from './harness.js';
import { startScheduler, waitFor, writeConfig } from './monitoring-helpers.js';

/** The cluster alert rules: queue backlog, failure rate and a worker gone silent, opened and cleared by the ticks. */
describe('monitoring: queue and worker alert rules', function () {
  this.timeout(180_000);
  let configFile = '';
  let cluster: TestCluster;
  let scheduler: ChildProcess | undefined;

  before(async () => {
    configFile = writeConfig('rules', {
      monitoring: { queue_backlog: 3, failure_rate: 0.5, failure_min_jobs: 3, worker_silent_seconds: 3, sample_interval_seconds: 1 },
    });
    // no worker takes the evaluate queue, so jobs pile up there
    cluster = new TestCluster({ workers: 1, workerEnv: { TRAINYARD_CONFIG: configFile, POOL_THREADS: '1', WORKER_QUEUES: 'train,monitoring' } });
    await cluster.start();
    scheduler = startScheduler(cluster, '*/2 * * * * *');
  });

  after(async () => {
    scheduler?.kill('SIGKILL');
    await cluster?.stop();
    rmSync(configFile, { force: true });
  });

  it('opens queue_backlog when waiting jobs reach the threshold and resolves it when they are gone', async () => {
    const evaluate = cluster.deps.queues.get('evaluate');
    for (let i = 0; i < 3; i++) await evaluate.add('evaluate', { type: 'evaluate' });
    const alert = await waitFor('the queue_backlog alert', () => cluster.deps.db.alerts.findOne({ rule: 'queue_backlog', subject: 'evaluate' }).lean());
    expect(alert).to.include({ state: 'open', severity: 'warning', value: 3, threshold: 3 });
    expect(alert.details).to.include({ workers: 0 });
    await evaluate.drain();
    const resolved = await waitFor('queue_backlog resolved', () => cluster.deps.db.alerts.findOne({ _id: alert._id, state: 'resolved' }).lean());
    expect(resolved.resolvedBy).to.equal('condition_cleared');
    expect(await cluster.deps.db.alerts.countDocuments({ rule: 'queue_backlog' })).to.equal(1);
  });

  it('opens failure_rate when most jobs of a queue fail between two ticks, and clears it after a clean interval', async () => {
    const train = cluster.deps.queues.get('train');
    for (let i = 0; i < 4; i++) await train.add('train', { type: 'train', not: 'a valid job' }, { attempts: 1 });
    const alert = await waitFor('the failure_rate alert', () => cluster.deps.db.alerts.findOne({ rule: 'failure_rate', subject: 'train' }).lean());
    expect(alert).to.include({ severity: 'critical', value: 1, threshold: 0.5 });
    expect(alert.details).to.include({ failed: 4, finished: 4 });
    const resolved = await waitFor('failure_rate resolved', () => cluster.deps.db.alerts.findOne({ _id: alert._id, state: 'resolved' }).lean());
    expect(resolved.resolvedBy).to.equal('condition_cleared');
  });

  it('reports a killed worker silent, forgets it once resolved by hand, and leaves a cleanly stopped one alone', async () => {
    const killed = await cluster.startWorker();
    const stopped = await cluster.startWorker();
    const id = (c: ChildProcess): string => `worker:${os.hostname()}:${c.pid}`;
    await waitFor('heartbeats of both workers', async () => (await cluster.deps.db.metricSamples.distinct('subject', { kind: 'process', subject: { $in: [id(killed), id(stopped)] } })).length === 2);
    killed.kill('SIGKILL');
    stopped.kill('SIGTERM');
    await new Promise<void>((r) => stopped.once('exit', () => r()));

    const alert = await waitFor('the worker_silent alert', () => cluster.deps.db.alerts.findOne({ rule: 'worker_silent', subject: id(killed) }).lean(), 60_000);
    expect(alert).to.include({ state: 'open', severity: 'critical', threshold: 3 });
    expect(alert.value).to.be.above(3);

    const res = await cluster.request('POST', `/v1/alerts/${alert._id}/resolve`);
    expect(res.body).to.include({ state: 'resolved', resolved_by: 'api:anonymous' });
    // two more ticks: the forgotten worker does not come back, the stopped one never appears, the live one is fine
    const since = new Date();
    await waitFor('two more ticks', async () => (await cluster.deps.db.queueHealth.countDocuments({ takenAt: { $gt: since } })) >= 2, 30_000);
    const silent = await cluster.deps.db.alerts.find({ rule: 'worker_silent' }).lean();
    expect(silent.map((a) => [a.subject, a.state])).to.deep.equal([[id(killed), 'resolved']]);
  });
});
