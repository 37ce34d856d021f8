import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const registeredModelSchema = new Schema(
  {
    name: { type: String, required: true, unique: true },
    description: { type: String, default: '' },
    /** stored as pairs so that tag keys may hold '.' or '$' */
    tags: { type: [{ _id: false, key: { type: String, required: true }, value: { type: String, required: true } }], default: [] },
    task: { type: String, required: true },
    /** the monitoring block of the latest version's config */
    monitoring: { type: Schema.Types.Mixed, default: {} },
    /** feedback labels whose prediction never reached the log, dropped after monitoring.feedbackPendingHours */
    feedbackExpired: { type: Number, default: 0 },
    /** when the prediction log last wrote predictions of this model (set after the write) */
    lastPredictionAt: { type: Date, default: null },
    /** when feedback labels for this model were last stored (set after the write) */
    lastFeedbackAt: { type: Date, default: null },
    /** when the last scheduled check started reading; a tick skips a model with nothing newer */
    lastScheduledCheckAt: { type: Date, default: null },
    /** the latest drift check's result `{version, share, at}`, kept here so /metrics reads every model in one query */
    latestDrift: { type: Schema.Types.Mixed, default: null },
    /** the latest live metric `{version, metric, value, at}` from labelled predictions, for /metrics */
    latestLive: { type: Schema.Types.Mixed, default: null },
    /** the newest version (highest seq) and its label, kept here so GET /v1/models lists a page in one query */
    latestSeq: { type: Number, default: null },
    latestVersion: { type: String, default: null },
  },
  { timestamps: true, collection: 'registered_models' },
);

export type RegisteredModelDoc = InferSchemaType<typeof registeredModelSchema>;

export function registeredModelModel(conn: Connection): Model<RegisteredModelDoc> {
  return (conn.models.RegisteredModel as Model<RegisteredModelDoc>) ?? conn.model<RegisteredModelDoc>('RegisteredModel', registeredModelSchema);
}
