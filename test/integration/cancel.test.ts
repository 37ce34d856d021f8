import { expect } from 'chai';
import { slowCsv, slowModel, TestCluster } from './harness.js';

describe('cancelling jobs', function () {
  this.timeout(240_000);
  const cluster = new TestCluster({ workers: 1 });
  let dataset: string;
  const job = (name: string) => ({ type: 'train', model_name: name, dataset, target: 'target', task: 'classification', model: slowModel, cv: 3 });

  before(async () => {
    await cluster.start();
    dataset = (await cluster.request('POST', '/v1/datasets?name=slow', slowCsv(), { 'content-type': 'text/csv' })).body.id;
  });
  after(async () => {
    await cluster.stop();
  });

  it('stops a running job, its threads and any registration, and a queued one never runs', async () => {
    const running = await cluster.request('POST', '/v1/jobs', job('stopped'));
    const queued = await cluster.request('POST', '/v1/jobs', job('never'));
    await cluster.waitForJob(running.body.id, ['active'], 60_000);

    const q = await cluster.request('DELETE', `/v1/jobs/${queued.body.id}`);
    expect(q.status).to.equal(202);
    expect(q.body.state).to.equal('cancelled');

    const r = await cluster.request('DELETE', `/v1/jobs/${running.body.id}`);
    expect(r.status).to.equal(202);
    expect(r.body.cancel_requested).to.equal(true);
    const done = await cluster.waitForJob(running.body.id, ['cancelled', 'completed', 'failed'], 60_000);
    expect(done.state).to.equal('cancelled');

    // the worker is free again at once: a quick job runs and completes
    const quick = await cluster.request('POST', '/v1/jobs', { ...job('quick'), model: { type: 'logistic_regression' } });
    const quickDone = await cluster.waitForJob(quick.body.id, ['completed', 'failed'], 60_000);
    expect(quickDone.state).to.equal('completed');

    expect(await cluster.deps.db.modelVersions.countDocuments({ modelName: { $in: ['stopped', 'never'] } })).to.equal(0);
    expect(await (await cluster.deps.queues.get('train').getJob(queued.body.id))?.getState()).to.equal(undefined);
    const afterQueued = await cluster.request('GET', `/v1/jobs/${queued.body.id}`);
    expect(afterQueued.body.state).to.equal('cancelled');
    expect(afterQueued.body.started_at).to.equal(null);
  });

  it('refuses to cancel a finished job with 409', async () => {
    const quick = await cluster.request('POST', '/v1/jobs', { ...job('fin'), model: { type: 'logistic_regression' } });
    await cluster.waitForJob(quick.body.id, ['completed']);
    const res = await cluster.request('DELETE', `/v1/jobs/${quick.body.id}`);
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.match(/already completed/);
  });

  it('cancels by filter: every queued job of a model taken off the queue and recorded, the running one asked to stop, others untouched', async () => {
    const running = await cluster.request('POST', '/v1/jobs', job('bulk-running'));
    await cluster.waitForJob(running.body.id, ['active'], 60_000);
    const queued: string[] = [];
    for (let i = 0; i < 12; i++) queued.push((await cluster.request('POST', '/v1/jobs', job('bulk'))).body.id);
    const other = (await cluster.request('POST', '/v1/jobs', job('bulk-other'))).body.id;

    const res = await cluster.request('DELETE', '/v1/jobs?state=queued&model=bulk');
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.body).to.deep.equal({ matched: 12, cancelled: 12, stopping: 0 });
    for (const id of queued) {
      expect(await cluster.deps.queues.get('train').getJob(id)).to.equal(undefined);
      expect((await cluster.request('GET', `/v1/jobs/${id}`)).body.state).to.equal('cancelled');
    }
    expect((await cluster.request('GET', `/v1/jobs/${other}`)).body.state).to.equal('queued');

    const stop = await cluster.request('DELETE', '/v1/jobs?state=active&model=bulk-running');
    expect(stop.body).to.deep.equal({ matched: 1, cancelled: 0, stopping: 1 });
    expect((await cluster.waitForJob(running.body.id, ['cancelled', 'completed', 'failed'], 60_000)).state).to.equal('cancelled');
    // the worker may have started the other model's job by now: cancelled either way
    expect((await cluster.request('DELETE', `/v1/jobs/${other}`)).status).to.equal(202);
    expect((await cluster.waitForJob(other, ['cancelled', 'completed', 'failed'], 60_000)).state).to.equal('cancelled');

    for (const bad of ['', '?state=completed', '?state=queued&model=', '?state=queued&color=red']) {
      const r = await cluster.request('DELETE', `/v1/jobs${bad}`);
      expect(r.status, bad).to.equal(400);
    }
  });

  it('answers 404 for cancelling an unknown job', async () => {
    expect((await cluster.request('DELETE', '/v1/jobs/does-not-exist')).status).to.equal(404);
  });
});
