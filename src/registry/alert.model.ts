import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/** What an alert watches: a model's inputs, its live metric, a queue, or a worker process. */
export const ALERT_RULES = ['drift', 'performance', 'queue_backlog', 'failure_rate', 'worker_silent'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export type AlertSeverity = 'warning' | 'critical';

/** One webhook URL's delivery of the alert's opening. */
const deliverySchema = new Schema(
  {
    url: { type: String, required: true },
    state: { type: String, enum: ['pending', 'delivered', 'failed'], required: true },
    attempts: { type: Number, default: 0 },
    deliveredAt: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  { _id: false },
);

/**
 * An alert: one per rule and subject while it is open or acknowledged. The
 * unique `openKey` (`rule|subject`) makes opening idempotent across workers
 * and ticks; resolving rewrites it to `rule|subject|<id>`, which frees the key
 * for the next occurrence without needing a partial index.
 */
const alertSchema = new Schema(
  {
    rule: { type: String, enum: ALERT_RULES, required: true },
    /** model name, queue name or worker process id */
    subject: { type: String, required: true },
    modelName: { type: String, default: null },
    severity: { type: String, enum: ['warning', 'critical'], required: true },
    state: { type: String, enum: ALERT_STATES, required: true },
    openKey: { type: String, required: true, unique: true },
    message: { type: String, required: true },
    /** the observed value that broke the rule, and the rule's threshold */
    value: { type: Number, default: null },
    threshold: { type: Number, default: null },
    /** rule-specific facts (flat JSON) */
    details: { type: Schema.Types.Mixed, default: {} },
    openedAt: { type: Date, required: true },
    /** last evaluation that still saw the condition */
    lastSeenAt: { type: Date, required: true },
    /** evaluations that saw the condition while this alert was open */
    occurrences: { type: Number, default: 1 },
    acknowledgedAt: { type: Date, default: null },
    acknowledgedBy: { type: String, default: null },
    resolvedAt: { type: Date, default: null },
    /** 'condition_cleared' or 'api' */
    resolvedBy: { type: String, default: null },
    deliveries: { type: [deliverySchema], default: [] },
    /** resolved alerts are pruned after the retention (FerretDB has no TTL indexes) */
    expiresAt: { type: Date, default: null },
  },
  { collection: 'alerts', versionKey: false },
);
alertSchema.index({ state: 1, openedAt: -1 });
alertSchema.index({ modelName: 1, openedAt: -1 });
alertSchema.index({ expiresAt: 1 });

export type AlertDoc = InferSchemaType<typeof alertSchema> & { _id: Types.ObjectId };

export function alertModel(conn: Connection): Model<AlertDoc> {
  return (conn.models.Alert as Model<AlertDoc>) ?? conn.model<AlertDoc>('Alert', alertSchema);
}
