import { Worker } from 'bullmq';
import { expect } from 'chai';
import { reconcileJobRecords } from '../../src/jobs/reconcile.js';
import { REDIS_URL, TestCluster } from './harness.js';

/** Records that missed how their job ended are repaired from BullMQ (a lost write, as when MongoDB restarts). */
describe('job records reconciled with BullMQ', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0 });
  before(() => cluster.start());
  after(() => cluster.stop());

  it('completes a record BullMQ completed, fails one BullMQ failed or lost, and leaves a waiting one alone', async () => {
    const { db, queues } = cluster.deps;
    const queue = queues.get('evaluate');
    await queue.add('evaluate', { n: 1 }, { jobId: 'done-1' });
    await queue.add('evaluate', { n: 2 }, { jobId: 'bad-1' });
    const worker = new Worker('evaluate', async (job) => {
      if (job.id === 'bad-1') throw new Error('boom in the worker');
      return { answer: 42 };
    }, { connection: { url: REDIS_URL }, prefix: queues.prefix });
    for (let i = 0; i < 100 && !((await queue.getJob('done-1'))?.finishedOn && (await queue.getJob('bad-1'))?.finishedOn); i++) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    await queue.add('evaluate', { n: 3 }, { jobId: 'wait-1' });
    const old = new Date(Date.now() - 120_000);
    await db.jobs.collection.insertMany(
      ['done-1', 'bad-1', 'wait-1', 'gone-1'].map((id) => ({ _id: id as never, type: 'evaluate', state: id === 'wait-1' ? 'queued' : 'active', spec: {}, attempts: 1, createdAt: old, updatedAt: old })),
    );
    const out = await reconcileJobRecords(db, queues);
    expect(out.checked).to.equal(4);
    expect(out.repaired).to.have.members(['done-1', 'bad-1', 'gone-1']);
    const byId = Object.fromEntries((await db.jobs.find({ _id: { $in: ['done-1', 'bad-1', 'wait-1', 'gone-1'] } }).lean()).map((d) => [d._id, d]));
    expect(byId['done-1']).to.deep.include({ state: 'completed', result: { answer: 42 } });
    expect(byId['bad-1']).to.include({ state: 'failed' });
    expect(byId['bad-1'].error).to.deep.equal({ code: 'job_failed', message: 'boom in the worker' });
    expect(byId['gone-1'].state).to.equal('failed');
    expect((byId['gone-1'].error as { code: string }).code).to.equal('lost');
    expect(byId['wait-1'].state).to.equal('queued');
    // the repaired ones are closed; only the waiting one is open still
    expect((await reconcileJobRecords(db, queues)).checked).to.equal(1);
  });
});
