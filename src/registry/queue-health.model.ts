import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** One snapshot of every queue per scheduler tick; `tick` is unique so two schedulers write it once. */
const queueHealthSchema = new Schema(
  {
    tick: { type: String, required: true, unique: true },
    takenAt: { type: Date, required: true },
    takenBy: { type: String, required: true },
    queues: [
      {
        _id: false,
        name: String,
        waiting: Number,
        active: Number,
        delayed: Number,
        completed: Number,
        failed: Number,
        workers: Number,
      },
    ],
    /** pruned by the scheduler (FerretDB has no TTL indexes) */
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'queue_health' },
);

export type QueueHealthDoc = InferSchemaType<typeof queueHealthSchema>;

export function queueHealthModel(conn: Connection): Model<QueueHealthDoc> {
  return (conn.models.QueueHealth as Model<QueueHealthDoc>) ?? conn.model<QueueHealthDoc>('QueueHealth', queueHealthSchema);
}
