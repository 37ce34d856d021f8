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
  },
  { timestamps: true, collection: 'registered_models' },
);

export type RegisteredModelDoc = InferSchemaType<typeof registeredModelSchema>;

export function registeredModelModel(conn: Connection): Model<RegisteredModelDoc> {
  return (conn.models.RegisteredModel as Model<RegisteredModelDoc>) ?? conn.model<RegisteredModelDoc>('RegisteredModel', registeredModelSchema);
}
