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
export function directDelivery(db: Database, options: { attempts: number; backoffMs: number; timeoutMs: number; logger: Logger }): DeliveryEnqueuer {
  return async (alertId, url, index) => {
    const job: WebhookJob = { type: 'alert_webhook', alert_id: alertId, url, index };
    void (async () => {
      for (let attempt = 1; attempt <= options.attempts; attempt++) {
        try {
          await deliverWebhook(db, job, { timeoutMs: options.timeoutMs, finalAttempt: attempt === options.attempts, logger: options.logger });
          return;
        } catch {
          if (attempt < options.attempts) await new Promise((r) => setTimeout(r, options.backoffMs * 2 ** (attempt - 1)).unref());
        }
      }
    })();
  };
}

/**
 * POSTs the alert to one URL, once: a delivery already marked delivered is
 * skipped (a retried or duplicated job). Non-2xx answers and timeouts throw,
 * so BullMQ retries; the last attempt marks the delivery failed. Receivers
 * can also deduplicate on the `Idempotency-Key` header.
 */
export async function deliverWebhook(
  db: Database,
  job: WebhookJob,
  options: { timeoutMs: number; finalAttempt: boolean; logger: Logger },
): Promise<{ delivered: boolean; skipped?: string; status?: number }> {
  const alert = await db.alerts.findById(new Types.ObjectId(job.alert_id)).lean<AlertDoc>();
  const delivery = alert?.deliveries?.[job.index];
  if (!alert || !delivery || delivery.url !== job.url) return { delivered: false, skipped: 'no such delivery' };
  if (delivery.state === 'delivered') return { delivered: false, skipped: 'already delivered' };
  const payload: WebhookPayload = { event: 'alert.opened', alert: toAlertView(alert), sent_at: new Date().toISOString() };
  const path = `deliveries.${job.index}`;
  let status: number | undefined;
  try {
    const res = await fetch(job.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'trainyard-alerts',
        'idempotency-key': `alert-${job.alert_id}`,
        'x-trainyard-event': payload.event,
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
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
