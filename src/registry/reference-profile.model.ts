import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * A model version's reference profile, written at training time: per feature
 * quantile bins and a sorted sample (numeric) or category frequencies
 * (categorical), and the same for the predictions and the target. Drift
 * checks compare recent predictions against it. Plain JSON, no nested arrays.
 */
const referenceProfileSchema = new Schema(
  {
    modelName: { type: String, required: true },
    version: { type: String, required: true },
    /** a drift profile (src/ml/drift) of the input features */
    features: { type: Schema.Types.Mixed, required: true },
    /** a drift profile with one feature, `prediction` */
    prediction: { type: Schema.Types.Mixed, default: null },
    /** a drift profile with one feature, `target` */
    target: { type: Schema.Types.Mixed, default: null },
    /** what the prediction profile was computed on */
    predictionSource: { type: String, required: true },
    rows: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'reference_profiles', versionKey: false },
);
referenceProfileSchema.index({ modelName: 1, version: 1 }, { unique: true });

export type ReferenceProfileDoc = InferSchemaType<typeof referenceProfileSchema> & { _id: Types.ObjectId };

export function referenceProfileModel(conn: Connection): Model<ReferenceProfileDoc> {
  return (conn.models.ReferenceProfile as Model<ReferenceProfileDoc>) ?? conn.model<ReferenceProfileDoc>('ReferenceProfile', referenceProfileSchema);
}
