import { expect } from 'chai';
import { markActive, markCancelled, markCompleted, markFailed, markProgress } from '../../src/jobs/job-records.js';
import { TestCluster } from './harness.js';

/** Record writes fenced by the attempt's lock token: a worker whose lock lapsed cannot move the record under the one that took over. */
describe('job record writes fenced by the attempt holding the job', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0 });
  before(() => cluster.start());
  after(() => cluster.stop());

  const progress = { stage: 'cross_validation', done: 1, total: 3 };
  /** every write a worker makes for its attempt, as the stale holder would make it */
  const staleWrites: Record<string, (id: string) => Promise<boolean>> = {
    progress: (id) => markProgress(cluster.deps.db, id, progress, 'token-a'),
    completed: (id) => markCompleted(cluster.deps.db, id, { from: 'a' }, progress, 'token-a'),
    'failed (final)': (id) => markFailed(cluster.deps.db, id, { code: 'job_failed', message: 'late' }, true, 1, progress, 'token-a'),
    'failed (to retry)': (id) => markFailed(cluster.deps.db, id, { code: 'job_failed', message: 'late' }, false, 1, progress, 'token-a'),
    cancelled: (id) => markCancelled(cluster.deps.db, id, { progress, holder: 'token-a' }),
  };

  for (const [name, write] of Object.entries(staleWrites)) {
    it(`drops the first holder's late ${name} write once another attempt took the job over`, async () => {
      const { db } = cluster.deps;
      const id = `fence-${name.replace(/\W+/g, '-')}`;
      await db.jobs.collection.insertOne({ _id: id as never, type: 'train', state: 'queued', spec: {}, attempts: 0, createdAt: new Date(), updatedAt: new Date() });
      expect(await markActive(db, id, 1, 'token-a')).to.equal(true);
      // the lock lapsed: another worker starts the same attempt
      expect(await markActive(db, id, 1, 'token-b')).to.equal(true);
      const before = await db.jobs.findById(id).lean();
      expect(await write(id)).to.equal(false);
      const after = await db.jobs.findById(id).lean();
      expect(after).to.deep.equal(before);
      expect(after).to.include({ state: 'active', holder: 'token-b' });
      // the holder's own write lands
      expect(await markCompleted(db, id, { from: 'b' }, undefined, 'token-b')).to.equal(true);
      expect(await db.jobs.findById(id).lean()).to.deep.include({ state: 'completed', result: { from: 'b' } });
    });
  }

  it('leaves unfenced writes (the API, the reconciler) to the state check alone', async () => {
    const { db } = cluster.deps;
    await db.jobs.collection.insertOne({ _id: 'unfenced' as never, type: 'train', state: 'queued', spec: {}, attempts: 0, createdAt: new Date(), updatedAt: new Date() });
    expect(await markActive(db, 'unfenced', 1, 'token-a')).to.equal(true);
    expect(await markCancelled(db, 'unfenced')).to.equal(true);
    expect(await markCompleted(db, 'unfenced', {})).to.equal(false);
  });
});
