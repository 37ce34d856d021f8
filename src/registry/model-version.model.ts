import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const modelVersionSchema = new Schema(
  {
    modelName: { type: String, required: true },
    version: { type: String, required: true },
    /** order of registration within the model, for "latest" */
    seq: { type: Number, required: true },
    /** archived: kept for lineage and history, its artifact removed from GridFS */
    status: { type: String, enum: ['ready', 'archived'], default: 'ready' },
    archivedAt: { type: Date, default: null },
    description: { type: String, default: '' },
    /** stored as pairs so that tag keys may hold '.' or '$' */
    tags: { type: [{ _id: false, key: { type: String, required: true }, value: { type: String, required: true } }], default: [] },
    task: { type: String, required: true },
    type: { type: String, required: true },
    target: { type: String, required: true },
    features: { type: [String], default: [] },
    featureSchema: { type: Schema.Types.Mixed, default: [] },
    classes: { type: Schema.Types.Mixed, default: null },
    hyperparameters: { type: Schema.Types.Mixed, default: {} },
    /** the whole `model` block of the job, snake_case as submitted */
    config: { type: Schema.Types.Mixed, required: true },
    metrics: { type: Schema.Types.Mixed, default: {} },
    cvMetrics: { type: Schema.Types.Mixed, default: {} },
    artifact: {
      type: new Schema(
        {
          fileId: { type: Schema.Types.ObjectId, required: true },
          sha256: { type: String, required: true },
          sizeBytes: { type: Number, required: true },
          format: { type: String, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    lineage: { type: Schema.Types.Mixed, required: true },
    /** the job that produced it: a retried job registers one version, not two */
    sourceJobId: { type: String, required: true, unique: true },
  },
  { timestamps: true, collection: 'model_versions' },
);
modelVersionSchema.index({ modelName: 1, version: 1 }, { unique: true });
modelVersionSchema.index({ modelName: 1, seq: -1 });
modelVersionSchema.index({ 'lineage.dataset.id': 1 });

export type ModelVersionDoc = InferSchemaType<typeof modelVersionSchema>;

export function modelVersionModel(conn: Connection): Model<ModelVersionDoc> {
  return (conn.models.ModelVersion as Model<ModelVersionDoc>) ?? conn.model<ModelVersionDoc>('ModelVersion', modelVersionSchema);
}
