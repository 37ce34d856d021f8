import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const JOB_STATES = ['queued', 'active', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Mirrors every job's state so the API can search jobs without scanning Redis. */
const jobRecordSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    state: { type: String, enum: JOB_STATES, required: true },
    modelName: { type: String, default: null },
    dataset: { type: String, default: null },
    spec: { type: Schema.Types.Mixed, required: true },
    progress: { type: Schema.Types.Mixed, default: null },
    result: { type: Schema.Types.Mixed, default: null },
    error: { type: Schema.Types.Mixed, default: null },
    attempts: { type: Number, default: 0 },
    /** the BullMQ lock token of the attempt running the job: fences off a worker whose lock lapsed */
    holder: { type: String, default: null },
    cancelRequested: { type: Boolean, default: false },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'jobs' },
);
jobRecordSchema.index({ type: 1, createdAt: -1 });
jobRecordSchema.index({ state: 1, createdAt: -1 });
jobRecordSchema.index({ modelName: 1, createdAt: -1 });

export type JobRecordDoc = InferSchemaType<typeof jobRecordSchema>;

export function jobRecordModel(conn: Connection): Model<JobRecordDoc> {
  return (conn.models.JobRecord as Model<JobRecordDoc>) ?? conn.model<JobRecordDoc>('JobRecord', jobRecordSchema);
}

/** (caller, Idempotency-Key) -> job id and the sha256 of the body it came with; the pair is the _id, so the first writer wins. */
const idempotencySchema = new Schema(
  { _id: { type: String, required: true }, jobId: { type: String, required: true }, bodyHash: { type: String, default: null } },
  { timestamps: true, collection: 'idempotency_keys' },
);

export interface IdempotencyDoc {
  _id: string;
  jobId: string;
  bodyHash?: string | null;
}

export function idempotencyModel(conn: Connection): Model<IdempotencyDoc> {
  return (conn.models.IdempotencyKey as Model<IdempotencyDoc>) ?? conn.model('IdempotencyKey', idempotencySchema);
}
