import { Types } from 'mongoose';
import type { Database } from '../registry/database.js';
import { isDuplicateKey } from '../registry/database.js';
import type { AlertDoc, AlertRule, AlertSeverity, AlertState } from '../registry/alert.model.js';
import { AppError, notFound } from '../utils/app-error.js';
import type { Logger } from '../utils/logger.js';
import { forgetWorker } from './cluster-rules.js';

/** A rule's condition as one evaluation saw it. */
export interface AlertCondition {
  rule: AlertRule;
  /** model name, queue name or worker process id */
  subject: string;
  modelName?: string | null;
  severity: AlertSeverity;
  message: string;
  value?: number | null;
  threshold?: number | null;
  /** flat JSON facts for the operator */
  details?: Record<string, unknown>;
}

/** Queues the webhook delivery of an alert's opening to one URL. */
export type DeliveryEnqueuer = (alertId: string, url: string, index: number) => Promise<void>;

export interface AlertServiceOptions {
  logger: Logger;
  /** webhook URLs notified when an alert opens */
  webhooks?: readonly string[];
  /** how deliveries are queued; without it (the API) alerts are only stored and logged */
  enqueueDelivery?: DeliveryEnqueuer;
  /** resolved alerts are pruned this long after resolving */
  retentionDays: number;
}

/** An alert on the wire. */
export interface AlertView {
  id: string;
  rule: string;
  subject: string;
  model_name: string | null;
  severity: string;
  state: string;
  message: string;
  value: number | null;
  threshold: number | null;
  details: unknown;
  occurrences: number;
  opened_at: string;
  last_seen_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  deliveries: Array<{ url: string; state: string; attempts: number; delivered_at: string | null; last_error: string | null }>;
}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function toAlertView(doc: AlertDoc): AlertView {
  return {
    id: String(doc._id),
    rule: doc.rule,
    subject: doc.subject,
    model_name: doc.modelName ?? null,
    severity: doc.severity,
    state: doc.state,
    message: doc.message,
    value: doc.value ?? null,
    threshold: doc.threshold ?? null,
    details: doc.details ?? {},
    occurrences: doc.occurrences ?? 1,
    opened_at: iso(doc.openedAt)!,
    last_seen_at: iso(doc.lastSeenAt)!,
    acknowledged_at: iso(doc.acknowledgedAt),
    acknowledged_by: doc.acknowledgedBy ?? null,
    resolved_at: iso(doc.resolvedAt),
    resolved_by: doc.resolvedBy ?? null,
    deliveries: (doc.deliveries ?? []).map((d) => ({
      url: d.url,
      state: d.state,
      attempts: d.attempts ?? 0,
      delivered_at: iso(d.deliveredAt),
      last_error: d.lastError ?? null,
    })),
  };
}

/** NaN and infinities cannot be stored (FerretDB) and say nothing useful: null. */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function openKeyOf(rule: string, subject: string): string {
  return `${rule}|${subject}`;
}

/**
 * Opens, refreshes, acknowledges and resolves alerts. Each rule and subject
 * has at most one alert that is not resolved (a unique key in MongoDB), so
 * any number of workers evaluating the same condition open one alert and
 * notify once; later evaluations only refresh it.
 */
export class AlertService {
  constructor(
    private readonly db: Database,
    private readonly options: AlertServiceOptions,
  ) {}

  /**
   * The condition holds: opens an alert (stored, logged, webhooks queued) or,
   * when one is already open or acknowledged, records that it was seen again.
   */
  async raise(c: AlertCondition, now = new Date()): Promise<{ alert: AlertDoc; opened: boolean }> {
    const openKey = openKeyOf(c.rule, c.subject);
    const facts = { message: c.message, value: finiteOrNull(c.value), threshold: finiteOrNull(c.threshold), details: c.details ?? {} };
    for (let attempt = 0; attempt < 5; attempt++) {
      const seen = await this.db.alerts
        .findOneAndUpdate({ openKey }, { $set: { ...facts, lastSeenAt: now }, $inc: { occurrences: 1 } }, { new: true })
        .lean<AlertDoc>();
      if (seen) return { alert: seen, opened: false };
      const webhooks = this.options.webhooks ?? [];
      try {
        const created = await this.db.alerts.create({
          rule: c.rule,
          subject: c.subject,
          modelName: c.modelName ?? null,
          severity: c.severity,
          state: 'open',
          openKey,
          ...facts,
          openedAt: now,
          lastSeenAt: now,
          occurrences: 1,
          deliveries: webhooks.map((url) => ({ url, state: 'pending', attempts: 0 })),
        });
        const alert = created.toObject() as AlertDoc;
        await this.notify(alert);
        return { alert, opened: true };
      } catch (err) {
        // another worker opened it between our look and our insert: refresh theirs
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`could not open or refresh the ${c.rule} alert of '${c.subject}'`);
  }

  /** The condition no longer holds: resolves the rule's open or acknowledged alert for the subject, if any. */
  async clear(rule: AlertRule, subject: string, now = new Date()): Promise<AlertDoc | null> {
    const doc = await this.db.alerts.findOne({ openKey: openKeyOf(rule, subject) }).lean<AlertDoc>();
    if (!doc) return null;
    return this.resolveDoc(doc, 'condition_cleared', now);
  }

  /** POST /v1/alerts/:id/ack. Acknowledging twice is a no-op; a resolved alert cannot be acknowledged. */
  async acknowledge(id: string, by: string | null = null, now = new Date()): Promise<AlertDoc> {
    const _id = objectId(id);
    await this.db.alerts.updateOne({ _id, state: 'open' }, { $set: { state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by } });
    const doc = await this.get(id);
    if (doc.state === 'resolved') throw new AppError('conflict', `alert '${id}' is already resolved`);
    return doc;
  }

  /** POST /v1/alerts/:id/resolve. Resolving twice is a no-op; a resolved worker_silent alert forgets the worker. */
  async resolve(id: string, by = 'api', now = new Date()): Promise<AlertDoc> {
    const doc = await this.get(id);
    if (doc.state === 'resolved') return doc;
    const done = await this.resolveDoc(doc, by, now);
    // resolving a silent worker by hand says it is gone for good: stop watching it
    if (done && doc.rule === 'worker_silent') await forgetWorker(this.db, doc.subject, this.options.retentionDays, now);
    return done ?? this.get(id);
  }

  async get(id: string): Promise<AlertDoc> {
    const doc = await this.db.alerts.findById(objectId(id)).lean<AlertDoc>();
    if (!doc) throw notFound('alert', id);
    return doc;
  }

  async list(query: { state?: AlertState; rule?: AlertRule; model?: string; limit: number; offset: number }): Promise<{ alerts: AlertDoc[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (query.state) filter.state = query.state;
    if (query.rule) filter.rule = query.rule;
    if (query.model) filter.modelName = query.model;
    const [alerts, total] = await Promise.all([
      this.db.alerts.find(filter).sort({ openedAt: -1 }).skip(query.offset).limit(query.limit).lean<AlertDoc[]>(),
      this.db.alerts.countDocuments(filter),
    ]);
    return { alerts, total };
  }

  /** Rewrites the open key so the next occurrence can open a fresh alert. Conditional, so a concurrent resolve wins once. */
  private async resolveDoc(doc: AlertDoc, by: string, now: Date): Promise<AlertDoc | null> {
    const openKey = openKeyOf(doc.rule, doc.subject);
    const expiresAt = new Date(now.getTime() + this.options.retentionDays * 86_400_000);
    const done = await this.db.alerts
      .findOneAndUpdate(
        { _id: doc._id, openKey },
        { $set: { state: 'resolved', resolvedAt: now, resolvedBy: by, openKey: `${openKey}|${String(doc._id)}`, expiresAt } },
        { new: true },
      )
      .lean<AlertDoc>();
    if (done) this.options.logger.info({ alert: String(doc._id), rule: doc.rule, subject: doc.subject, by }, 'alert resolved');
    return done;
  }

  private async notify(alert: AlertDoc): Promise<void> {
    const { logger, enqueueDelivery } = this.options;
    logger.warn({ alert: String(alert._id), rule: alert.rule, subject: alert.subject, severity: alert.severity, value: alert.value, threshold: alert.threshold }, `alert opened: ${alert.message}`);
    if (!enqueueDelivery) return;
    await Promise.all(
      (alert.deliveries ?? []).map(async (d, i) => {
        try {
          await enqueueDelivery(String(alert._id), d.url, i);
        } catch (err) {
          logger.error({ err, alert: String(alert._id), url: d.url }, 'could not queue the webhook delivery');
        }
      }),
    );
  }
}

function objectId(id: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) throw notFound('alert', id);
  return new Types.ObjectId(id);
}
