import { createHmac } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Types } from 'mongoose';
import type { Database } from '../registry/database.js';
import type { AlertDoc } from '../registry/alert.model.js';
import type { Logger } from '../utils/logger.js';
import { toAlertView, type AlertView, type DeliveryEnqueuer } from './alert-service.js';

/** What a webhook receives when an alert opens. */
export interface WebhookPayload {
  event: 'alert.opened';
  alert: AlertView;
  sent_at: string;
}

/** The `alert_webhook` job's payload. */
export interface WebhookJob {
  type: 'alert_webhook';
  alert_id: string;
  url: string;
  index: number;
}

/**
 * Queues one delivery job per alert and URL on the monitoring queue. The job
 * id is derived from the alert, so it is queued once however often it is
 * asked; BullMQ retries it with exponential backoff.
 */
export function webhookEnqueuer(queue: Queue, options: { attempts: number; backoffMs: number }): DeliveryEnqueuer {
  return async (alertId, url, index) => {
    const data: WebhookJob = { type: 'alert_webhook', alert_id: alertId, url, index };
    await queue.add('alert_webhook', data, {
      jobId: `webhook-${alertId}-${index}`,
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
    });
  };
}

/**
 * Delivers from this process, retrying with exponential backoff in the
 * background: for alerts about missing workers, whose queued deliveries
 * would wait for the very workers that are gone.
 */
export function directDelivery(db: Database, options: { attempts: number; backoffMs: number; timeoutMs: number; logger: Logger; secret?: string | null }): DeliveryEnqueuer {
  return async (alertId, url, index) => {
    const job: WebhookJob = { type: 'alert_webhook', alert_id: alertId, url, index };
    void (async () => {
      for (let attempt = 1; attempt <= options.attempts; attempt++) {
        try {
          await deliverWebhook(db, job, { timeoutMs: options.timeoutMs, finalAttempt: attempt === options.attempts, logger: options.logger, secret: options.secret });
          return;
        } catch {
          if (attempt < options.attempts) await new Promise((r) => setTimeout(r, options.backoffMs * 2 ** (attempt - 1)).unref());
        }
      }
    })();
  };
}

/**
 * Standard Webhooks signing (standardwebhooks.com): the signature is
 * `v1,` + base64 HMAC-SHA256 over `<id>.<timestamp>.<body>`, keyed with the
 * secret's bytes (`whsec_<base64>` decoded, else the string as UTF-8).
 */
export function webhookSignatureHeaders(secret: string, id: string, body: string, at = new Date()): Record<string, string> {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

/**
 * POSTs the alert to one URL, once: a delivery already marked delivered is
 * skipped (a retried or duplicated job). Non-2xx answers and timeouts throw,
 * so BullMQ retries; the last attempt marks the delivery failed. Receivers
 * can also deduplicate on the `Idempotency-Key` header. Redirects are not
 * followed (a 3xx is a failed delivery: the body never goes where it was not
 * configured to go); with `secret`, the body is signed.
 */
export async function deliverWebhook(
  db: Database,
  job: WebhookJob,
  options: { timeoutMs: number; finalAttempt: boolean; logger: Logger; secret?: string | null },
): Promise<{ delivered: boolean; skipped?: string; status?: number }> {
  const alert = await db.alerts.findById(new Types.ObjectId(job.alert_id)).lean<AlertDoc>();
  const delivery = alert?.deliveries?.[job.index];
  if (!alert || !delivery || delivery.url !== job.url) return { delivered: false, skipped: 'no such delivery' };
  if (delivery.state === 'delivered') return { delivered: false, skipped: 'already delivered' };
  const payload: WebhookPayload = { event: 'alert.opened', alert: toAlertView(alert), sent_at: new Date().toISOString() };
  const path = `deliveries.${job.index}`;
  let status: number | undefined;
  try {
    const body = JSON.stringify(payload);
    const res = await fetch(job.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'trainyard-alerts',
        'idempotency-key': `alert-${job.alert_id}`,
        'x-trainyard-event': payload.event,
        ...(options.secret ? webhookSignatureHeaders(options.secret, `alert-${job.alert_id}`, body) : {}),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 300 && res.status < 400) throw new Error(`webhook ${job.url} answered ${res.status} (redirect to ${res.headers.get('location') ?? 'nowhere'}): redirects are not followed`);
    if (!res.ok) throw new Error(`webhook ${job.url} answered ${res.status}`);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    await db.alerts.updateOne(
      { _id: alert._id, [`${path}.state`]: { $ne: 'delivered' } },
      { $set: { [`${path}.lastError`]: message, ...(options.finalAttempt ? { [`${path}.state`]: 'failed' } : {}) }, $inc: { [`${path}.attempts`]: 1 } },
    );
    options.logger.warn({ alert: job.alert_id, url: job.url, err: message, final: options.finalAttempt }, 'webhook delivery failed');
    throw err;
  }
  await db.alerts.updateOne(
    { _id: alert._id },
    { $set: { [`${path}.state`]: 'delivered', [`${path}.deliveredAt`]: new Date(), [`${path}.lastError`]: null }, $inc: { [`${path}.attempts`]: 1 } },
  );
  return { delivered: true, status };
}
