import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { NO_MONITORING_WORKER } from '../../src/monitoring/cluster-rules.js';
import { TestCluster } from './harness.js';
import { startScheduler, waitFor, WebhookReceiver, writeConfig } from './monitoring-helpers.js';

/** The rule no tick can evaluate: nobody is left to run the ticks. */
describe('monitoring: the scheduler alerts when no worker listens on the monitoring queue', function () {
  this.timeout(120_000);
  const receiver = new WebhookReceiver(1);
  const schedulerLog: string[] = [];
  let configFile = '';
  let cluster: TestCluster;
  let scheduler: ChildProcess | undefined;

  before(async () => {
    await receiver.start();
    configFile = writeConfig('no-workers', { monitoring: { worker_silent_seconds: 2, webhooks: [receiver.url], webhook_backoff_ms: 200, webhook_attempts: 4 } });
    cluster = new TestCluster({ workers: 0 });
    await cluster.start();
    scheduler = startScheduler(cluster, '* * * * * *', schedulerLog, { TRAINYARD_CONFIG: configFile });
  });

  after(async () => {
    scheduler?.kill('SIGKILL');
    await cluster?.stop();
    await receiver.stop();
    rmSync(configFile, { force: true });
  });

  it('opens one alert, sends its webhook from the scheduler (retrying a 503), and clears it once a worker listens', async () => {
    const find = () => cluster.deps.db.alerts.findOne({ rule: 'worker_silent', subject: NO_MONITORING_WORKER }).lean();
    const alert = await waitFor(`the ${NO_MONITORING_WORKER} alert\n${schedulerLog.join('')}`, find, 30_000);
    expect(alert).to.include({ state: 'open', severity: 'critical', threshold: 2 });
    expect(alert.value).to.be.above(2);
    expect(alert.message).to.match(/no worker has listened on the monitoring queue/);

    const hooks = () => receiver.delivered().filter((h) => h.body?.alert?.subject === NO_MONITORING_WORKER);
    await waitFor('the webhook', async () => hooks().length > 0, 30_000);
    expect(hooks()[0].body.alert).to.include({ id: String(alert._id), rule: 'worker_silent', state: 'open' });
    // later ticks refresh the open alert: still one alert, one delivery
    await waitFor('two more sightings', async () => ((await find())?.occurrences ?? 0) >= 3, 30_000);
    expect(await cluster.deps.db.alerts.countDocuments({ rule: 'worker_silent' })).to.equal(1);
    expect(hooks()).to.have.length(1);
    expect(receiver.hooks.filter((h) => h.body?.alert?.subject === NO_MONITORING_WORKER).map((h) => h.status)).to.deep.equal([503, 200]);

    await cluster.startWorker({ TRAINYARD_CONFIG: configFile });
    const resolved = await waitFor('the alert resolved', () => cluster.deps.db.alerts.findOne({ _id: alert._id, state: 'resolved' }).lean(), 30_000);
    expect(resolved.resolvedBy).to.equal('condition_cleared');
  });
});
