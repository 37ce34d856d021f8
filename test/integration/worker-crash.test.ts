import { expect } from 'chai';
import { slowCsv, slowModel, TestCluster } from './harness.js';

describe('a worker killed during a train job', function () {
  this.timeout(300_000);
  const cluster = new TestCluster({
    workers: 0,
    workerEnv: { LOCK_DURATION_MS: '4000', STALLED_INTERVAL_MS: '2000', SHUTDOWN_GRACE_MS: '1000' },
  });
  before(async () => {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=slow', slowCsv(), { 'content-type': 'text/csv' });
    expect(up.status).to.equal(201);
  });
  after(async () => {
    await cluster.stop();
  });

  it('completes on another worker process and registers exactly one version', async () => {
    const first = await cluster.startWorker();
    const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'survivor', dataset: 'slow', target: 'target', task: 'classification', model: slowModel, cv: 3 });
    expect(res.status).to.equal(202);
    await cluster.waitForJob(res.body.id, ['active'], 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    const before = await cluster.request('GET', `/v1/jobs/${res.body.id}`);
    expect(before.body.state, 'the job must still be running when its worker dies').to.equal('active');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const second = await cluster.startWorker();
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed'], 240_000);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    expect(cluster.workerLogs.get(second)!.join('')).to.include(res.body.id);
    const versions = await cluster.deps.db.modelVersions.find({ modelName: 'survivor' }).lean();
    expect(versions).to.have.length(1);
    expect(versions[0].sourceJobId).to.equal(res.body.id);
    const bullJob = await cluster.deps.queues.get('train').getJob(res.body.id);
    expect(await bullJob!.getState()).to.equal('completed');
    second.kill('SIGKILL');
    await new Promise((r) => second.once('exit', r));
  });

  it('hands an active job back on SIGTERM after the grace period; another worker finishes it', async () => {
    const first = await cluster.startWorker();
    const res = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'handed-back', dataset: 'slow', target: 'target', task: 'classification', model: slowModel, cv: 3 });
    expect(res.status).to.equal(202);
    await cluster.waitForJob(res.body.id, ['active'], 60_000);
    const exited = new Promise<number | null>((r) => first.once('close', (code) => r(code)));
    first.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(cluster.workerLogs.get(first)!.join(''), cluster.workerLogs.get(first)!.join('')).to.include('handing them back');
    const second = await cluster.startWorker();
    const job = await cluster.waitForJob(res.body.id, ['completed', 'failed'], 240_000);
    expect(job.state, JSON.stringify(job.error)).to.equal('completed');
    expect(cluster.workerLogs.get(second)!.join(''), cluster.workerLogs.get(first)!.join('')).to.include(res.body.id);
    expect(await cluster.deps.db.modelVersions.countDocuments({ modelName: 'handed-back' })).to.equal(1);
  });
});
