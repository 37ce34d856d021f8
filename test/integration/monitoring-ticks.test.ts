import { expect } from 'chai';
import { AlertService } from '../../src/monitoring/alert-service.js';
import { checkDue, runTick, type TickJob } from '../../src/monitoring/tick.js';
import { markActivity } from '../../src/registry/model-activity.js';
import { createLogger } from '../../src/utils/logger.js';
import { TestCluster } from './harness.js';

/**
 * The tick's fan-out of model checks, against real Redis and MongoDB with
 * no worker on the monitoring queue (so queued checks stay queued): only
 * models with something new are checked, a check still queued is not
 * queued again, and the checks are spread over the configured seconds.
 */
describe('monitoring ticks queue only the checks that can say something new', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0, overrides: { monitoring: { checkSpreadSeconds: 9, fullCheckMinutes: 60 } } });
  let ctx: Parameters<typeof runTick>[0];
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);
  const tick = (now: Date): Promise<Awaited<ReturnType<typeof runTick>>> => {
    const job: TickJob = { type: 'tick', tick: now.toISOString(), scheduler: 'test' };
    return runTick(ctx, job, now);
  };

  before(async () => {
    await cluster.start();
    const logger = createLogger('silent', 'test');
    const { db, config, queues } = cluster.deps;
    ctx = { db, config, queues, logger, alerts: new AlertService(db, { logger, retentionDays: 1 }) };
    await db.registeredModels.insertMany(['alpha', 'beta', 'gamma'].map((name) => ({ name, task: 'classification' })));
    await db.registeredModels.create({ name: 'series', task: 'timeseries' });
  });

  after(async () => {
    await cluster.stop();
  });

  it('queues every model never checked, spread over check_spread_seconds', async () => {
    const first = await tick(at(0));
    expect(first.checks).to.deep.equal(['alpha', 'beta', 'gamma'].map((m) => `monitor-${m}-${at(0).getTime()}`));
    expect(first).to.include({ checks_skipped: 0, checks_coalesced: 0 });
    const delays = await Promise.all(first.checks.map(async (id) => (await cluster.deps.queues.get('monitoring').getJob(id))!.opts.delay ?? 0));
    expect(delays).to.deep.equal([0, 3000, 6000]);
  });

  it('does not queue a model again while its check still waits', async () => {
    const second = await tick(at(1));
    expect(second.checks).to.deep.equal([]);
    expect(second).to.include({ checks_skipped: 0, checks_coalesced: 3 });
    const counts = await cluster.deps.queues.get('monitoring').getJobCounts('waiting', 'delayed');
    expect(counts.waiting + counts.delayed).to.equal(3);
  });

  it('skips models with no predictions or labels since their last check, until the full-check interval', async () => {
    const monitoring = cluster.deps.queues.get('monitoring');
    await monitoring.obliterate({ force: true });
    const { db } = cluster.deps;
    await markActivity(db, ['alpha', 'beta', 'gamma'], 'lastScheduledCheckAt', at(1));
    await markActivity(db, ['beta'], 'lastPredictionAt', at(1.5));
    await markActivity(db, ['gamma'], 'lastFeedbackAt', at(1.5));
    const third = await tick(at(2));
    expect(third.checks).to.deep.equal(['beta', 'gamma'].map((m) => `monitor-${m}-${at(2).getTime()}`));
    expect(third).to.include({ checks_skipped: 1, checks_coalesced: 0 });

    await monitoring.obliterate({ force: true });
    await markActivity(db, ['beta', 'gamma'], 'lastScheduledCheckAt', at(2));
    expect((await tick(at(3))).checks).to.deep.equal([]);
    // an hour after its last check a quiet model is checked again (its window ages, its watched version may move)
    expect((await tick(at(61))).checks).to.deep.equal([`monitor-alpha-${at(61).getTime()}`]);
  });

  it('never moves an activity mark back', async () => {
    const { db } = cluster.deps;
    await markActivity(db, ['alpha'], 'lastPredictionAt', at(10));
    await markActivity(db, ['alpha'], 'lastPredictionAt', at(5));
    expect((await db.registeredModels.findOne({ name: 'alpha' }).lean())!.lastPredictionAt).to.deep.equal(at(10));
  });

  it('decides due-ness from the marks alone', () => {
    const now = at(30);
    expect(checkDue({}, now, 3_600_000)).to.equal(true);
    expect(checkDue({ lastScheduledCheckAt: at(29) }, now, 3_600_000)).to.equal(false);
    expect(checkDue({ lastScheduledCheckAt: at(29), lastPredictionAt: at(29) }, now, 3_600_000)).to.equal(false);
    expect(checkDue({ lastScheduledCheckAt: at(29), lastPredictionAt: at(29.5) }, now, 3_600_000)).to.equal(true);
    expect(checkDue({ lastScheduledCheckAt: at(29), lastFeedbackAt: at(29.5) }, now, 3_600_000)).to.equal(true);
    expect(checkDue({ lastScheduledCheckAt: at(-31) }, now, 3_600_000)).to.equal(true);
  });
});
