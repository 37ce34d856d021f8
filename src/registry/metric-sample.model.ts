import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * Series kinds: `process` (CPU, memory, event-loop lag of one API or worker
 * process; also its heartbeat), `queue` (depth, wait, throughput, failure
 * rate of one queue per tick), `predict` (latency histogram and errors of
 * one model version in one API process), `performance` (live metrics of one
 * model per check).
 */
export const SAMPLE_KINDS = ['process', 'queue', 'predict', 'performance'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/**
 * One point of a time series kept in MongoDB. `key` is unique, so a sample
 * computed twice for one tick (two schedulers, a retried job) is stored once.
 * Pruned by the tick after the retention (FerretDB has no TTL indexes).
 */
const metricSampleSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, enum: SAMPLE_KINDS, required: true },
    /** process id, queue name, `model@version` or model name */
    subject: { type: String, required: true },
    at: { type: Date, required: true },
    /** api | worker, for process samples */
    role: { type: String, default: null },
    modelName: { type: String, default: null },
    version: { type: String, default: null },
    /** numbers by name (flat; histogram bucket counts as one array) */
    values: { type: Schema.Types.Mixed, required: true },
    /** a process sample written at graceful shutdown: no heartbeat is missing after it */
    stopped: { type: Boolean, default: false },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'metric_samples', versionKey: false },
);
metricSampleSchema.index({ kind: 1, subject: 1, at: -1 });
metricSampleSchema.index({ kind: 1, modelName: 1, at: -1 });
metricSampleSchema.index({ kind: 1, at: -1 });
metricSampleSchema.index({ expiresAt: 1 });

export type MetricSampleDoc = InferSchemaType<typeof metricSampleSchema> & { _id: Types.ObjectId };

export function metricSampleModel(conn: Connection): Model<MetricSampleDoc> {
  return (conn.models.MetricSample as Model<MetricSampleDoc>) ?? conn.model<MetricSampleDoc>('MetricSample', metricSampleSchema);
}
