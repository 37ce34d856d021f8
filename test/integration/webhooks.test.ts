import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { deliverWebhook, webhookSignatureHeaders } from '../../src/monitoring/webhooks.js';
import { createLogger } from '../../src/utils/logger.js';
import { TestCluster } from './harness.js';
import { WebhookReceiver } from './monitoring-helpers.js';

describe('webhook delivery: signed bodies, no redirects (real MongoDB, real HTTP receivers)', function () {
  this.timeout(60_000);
  const cluster = new TestCluster({ workers: 0 });
  const receiver = new WebhookReceiver();
  const logger = createLogger('silent', 'test');
  let redirector: Server;
  let redirectUrl = '';
  let n = 0;

  /** An open alert with one pending delivery to `url`. */
  async function alertFor(url: string): Promise<string> {
    const now = new Date();
    const doc = await cluster.deps.db.alerts.create({
      rule: 'drift', subject: `m${++n}`, modelName: `m${n}`, severity: 'warning', state: 'open', openKey: `drift:m${n}:${now.getTime()}`,
      message: 'drift', openedAt: now, lastSeenAt: now, deliveries: [{ url, state: 'pending' }],
    });
    return String(doc._id);
  }

  before(async () => {
    await cluster.start();
    await receiver.start();
    redirector = createServer((_req, res) => res.writeHead(307, { location: receiver.url }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', () => r()));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/moved`;
  });
  after(async () => {
    await receiver.stop();
    await new Promise<void>((r) => redirector.close(() => r()));
    await cluster.stop();
  });

  it('signs as Standard Webhooks does (the specification example)', () => {
    const h = webhookSignatureHeaders('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', new Date(1614265330_000));
    expect(h).to.deep.equal({ 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' });
  });

  it('sends the signature headers over the exact body when a secret is configured, and none without', async () => {
    const secret = 'a-plain-secret-of-32-characters!';
    const id = await alertFor(receiver.url);
    expect(await deliverWebhook(cluster.deps.db, { type: 'alert_webhook', alert_id: id, url: receiver.url, index: 0 }, { timeoutMs: 5000, finalAttempt: true, logger, secret })).to.include({ delivered: true });
    const hook = receiver.hooks.find((h) => h.body?.alert?.id === id)!;
    expect(hook.headers['webhook-id']).to.equal(`alert-${id}`);
    const expected = createHmac('sha256', secret).update(`alert-${id}.${hook.headers['webhook-timestamp']}.${hook.raw}`).digest('base64');
    expect(hook.headers['webhook-signature']).to.equal(`v1,${expected}`);
    expect(Math.abs(Number(hook.headers['webhook-timestamp']) - Date.now() / 1000)).to.be.below(60);

    const unsigned = await alertFor(receiver.url);
    await deliverWebhook(cluster.deps.db, { type: 'alert_webhook', alert_id: unsigned, url: receiver.url, index: 0 }, { timeoutMs: 5000, finalAttempt: true, logger });
    expect(receiver.hooks.find((h) => h.body?.alert?.id === unsigned)!.headers['webhook-signature']).to.equal(undefined);
  });

  it('does not follow a redirect: the delivery fails, naming it, and the body never reaches the other address', async () => {
    const id = await alertFor(redirectUrl);
    let error: Error | null = null;
    try {
      await deliverWebhook(cluster.deps.db, { type: 'alert_webhook', alert_id: id, url: redirectUrl, index: 0 }, { timeoutMs: 5000, finalAttempt: true, logger });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/answered 307 .*redirects are not followed/);
    expect(receiver.hooks.some((h) => h.body?.alert?.id === id)).to.equal(false);
    const alert = await cluster.deps.db.alerts.findById(id).lean();
    expect(alert!.deliveries[0]).to.include({ state: 'failed' });
    expect(alert!.deliveries[0].lastError).to.include('redirects are not followed');
  });
});
