import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { MongoStudyStorage } from '../../src/training/tuning/storage/mongo-study-storage.js';
import { slowCsv, TestCluster } from './harness.js';

/** Trials of a study spread over worker processes, a worker killed mid-study, and a cancelled study. */
describe('tune studies across worker processes', function () {
  this.timeout(300_000);
  const cluster = new TestCluster({ workers: 0, workerEnv: { LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '2000' } });
  let dataset: string;
  let storage: MongoStudyStorage;
  const workers: ChildProcess[] = [];
  const study = (name: string, extra: Record<string, unknown> = {}) => ({
    type: 'tune',
    model_name: name,
    dataset,
    target: 'target',
    task: 'classification',
    model: { type: 'gradient_boosting', hyperparameters: { max_depth: 5 } },
    search_space: { n_estimators: { type: 'int', low: 60, high: 160 }, learning_rate: { type: 'float', low: 0.01, high: 0.3, log: true } },
    sampler: { type: 'random', seed: 1 },
    metric: 'roc_auc',
    n_trials: 8,
    parallelism: 4,
    cv: 3,
    ...extra,
  });
  const workerName = (w: ChildProcess): string => `:${w.pid}`;
  const trialsOf = (id: string) => storage.getTrials(id);

  before(async () => {
    await cluster.start();
    workers.push(await cluster.startWorker(), await cluster.startWorker());
    storage = new MongoStudyStorage(cluster.deps.db.conn);
    const up = await cluster.request('POST', '/v1/datasets?name=slow', slowCsv(1500), { 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
    dataset = up.body.id;
  });
  after(async () => {
    await cluster.stop();
  });

  it('runs one study on two worker processes at once, with trials in both', async () => {
    const res = await cluster.request('POST', '/v1/jobs', study('shared'));
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed'], 240_000);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    const ran = new Set(job.result.trials.map((t: { worker: string }) => t.worker));
    for (const w of workers) expect([...ran].some((name) => String(name).endsWith(workerName(w))), `trials ran on ${[...ran].join(', ')}`).to.equal(true);
    expect(job.result.trials).to.have.length(8);
  });

  it('finishes on the surviving worker after one is SIGKILLed mid-study, with exactly n_trials trials, none counted twice', async () => {
    const res = await cluster.request('POST', '/v1/jobs', study('survivor', { n_trials: 12, parallelism: 2, sampler: { type: 'tpe', seed: 2, n_startup_trials: 4 } }));
    const id = res.body.id;
    let before = await trialsOf(id);
    for (const deadline = Date.now() + 120_000; before.filter((t) => t.state === 'complete').length < 3; before = await trialsOf(id)) {
      if (Date.now() > deadline) throw new Error('no trials completed');
      await new Promise((r) => setTimeout(r, 100));
    }
    const parent = await cluster.deps.queues.get('tune').getJob(id);
    expect(await parent!.getState()).to.equal('active');
    const victim = workers.find((w) => parent!.processedBy?.endsWith(workerName(w)))!;
    expect(victim, `parent on ${parent!.processedBy}`).to.not.equal(undefined);
    const survivor = workers.find((w) => w !== victim)!;
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    const doneBefore = (await trialsOf(id)).filter((t) => t.state !== 'running');

    const job = await cluster.waitForJob(id, ['completed', 'failed'], 240_000);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    const trials = await trialsOf(id);
    expect(trials.map((t) => t.number)).to.deep.equal([...Array(12).keys()]);
    expect(trials.every((t) => t.state !== 'running')).to.equal(true);
    expect(await cluster.deps.db.conn.collection('trial_outcomes').countDocuments({ studyId: id })).to.equal(12);
    expect(job.result.trials).to.have.length(12);
    // trials that had finished before the kill were not run again
    for (const t of doneBefore) {
      const now = trials.find((x) => x.number === t.number)!;
      expect(now.attempts, `trial ${t.number}`).to.equal(t.attempts);
      expect(now.finishedAt!.getTime()).to.equal(t.finishedAt!.getTime());
    }
    const resumed = await cluster.deps.queues.get('tune').getJob(id);
    expect(resumed!.processedBy).to.match(new RegExp(`${workerName(survivor)}$`));
    expect(await cluster.deps.db.modelVersions.countDocuments({ modelName: 'survivor' })).to.equal(1);
    workers.splice(workers.indexOf(victim), 1, await cluster.startWorker());
  });

  it('cancels a running study: running trials stop, no trial runs after the cancel settles, the study stays readable', async () => {
    // trials long enough (400+ trees) that one started a moment ago is still running when the cancel lands
    const slowTrials = { n_estimators: { type: 'int', low: 400, high: 1200 }, learning_rate: { type: 'float', low: 0.01, high: 0.3, log: true } };
    const res = await cluster.request('POST', '/v1/jobs', study('cancelled', { n_trials: 40, parallelism: 3, search_space: slowTrials }));
    const id = res.body.id;
    for (const deadline = Date.now() + 120_000; ; ) {
      const trials = await trialsOf(id);
      const justStarted = trials.some((t) => t.state === 'running' && t.startedAt && Date.now() - t.startedAt.getTime() < 300);
      if (trials.some((t) => t.state === 'complete') && justStarted) break;
      if (Date.now() > deadline) throw new Error('the study never had a running trial');
      await new Promise((r) => setTimeout(r, 100));
    }
    const del = await cluster.request('DELETE', `/v1/jobs/${id}`);
    expect(del.status).to.equal(202);
    const job = await cluster.waitForJob(id, ['cancelled', 'completed', 'failed'], 60_000);
    expect(job.state).to.equal('cancelled');
    const settled = new Date(job.finished_at).getTime();
    const atCancel = await trialsOf(id);
    expect(atCancel.length).to.be.lessThan(40);
    expect(atCancel.filter((t) => t.state === 'running')).to.deep.equal([]);
    expect(atCancel.some((t) => t.state === 'failed' && /cancel|stopped/.test(t.error ?? ''))).to.equal(true);

    await new Promise((r) => setTimeout(r, 3000));
    const later = await trialsOf(id);
    expect(later.map((t) => [t.number, t.state, t.attempts])).to.deep.equal(atCancel.map((t) => [t.number, t.state, t.attempts]));
    for (const t of later) if (t.startedAt) expect(t.startedAt.getTime(), `trial ${t.number} started after the cancel settled`).to.be.at.most(settled);
    const trialQueue = cluster.deps.queues.get('tune_trial');
    expect(await trialQueue.getJobCounts('waiting', 'active', 'delayed')).to.deep.include({ waiting: 0, active: 0, delayed: 0 });
    const s = await storage.getStudy(id);
    expect(s!.state).to.equal('cancelled');
    // the job shows the study's trials as they were left
    expect(job.progress).to.include({ stage: 'cancelled', study_id: id, running: 0 });
    expect(job.progress.trials.map((t: { number: number; state: string }) => [t.number, t.state])).to.deep.equal(later.map((t) => [t.number, t.state]));
    expect(await cluster.deps.db.modelVersions.countDocuments({ modelName: 'cancelled' })).to.equal(0);
  });
});
