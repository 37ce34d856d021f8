import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { TestCluster } from './harness.js';

describe('two schedulers at once', function () {
  this.timeout(120_000);
  const cluster = new TestCluster({ workers: 1 });
  const schedulers: ChildProcess[] = [];

  before(async () => {
    await cluster.start();
  });
  after(async () => {
    for (const s of schedulers) s.kill('SIGKILL');
    await cluster.stop();
  });

  it('write one queue-health snapshot per tick', async () => {
    for (let i = 0; i < 2; i++) {
      schedulers.push(
        spawn(process.execPath, [path.resolve('dist/workers/scheduler.js')], {
          env: { ...process.env, ...cluster.env(), SCHEDULER_CRON: '*/2 * * * * *' },
          stdio: 'ignore',
        }),
      );
    }
    const deadline = Date.now() + 60_000;
    let snapshots: Array<{ tick: string; queues: Array<{ name?: string | null }> }> = [];
    while (Date.now() < deadline) {
      snapshots = await cluster.deps.db.queueHealth.find().lean();
      if (snapshots.length >= 4) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const s of schedulers) s.kill('SIGTERM');
    expect(snapshots.length).to.be.at.least(4);
    const ticks = snapshots.map((s) => s.tick);
    expect(new Set(ticks).size).to.equal(ticks.length);
    expect(snapshots[0].queues.map((q) => q.name)).to.include.members(['train', 'monitoring']);
    const monitoringJobs = await cluster.deps.queues.get('monitoring').getJobCounts('completed', 'failed');
    expect(monitoringJobs.failed).to.equal(0);
    // each tick was enqueued by both schedulers but ran once
    expect(monitoringJobs.completed).to.be.at.least(snapshots.length).and.at.most(snapshots.length + 2);
  });
});
