import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The outcome of one `evaluate` job: a version's metrics on a dataset, its
 * slices, bias report and diagnostics. Promotion gates read the newest one of
 * a version. One per job (a retried job finds the first attempt's record).
 */
const evaluationSchema = new Schema(
  {
    jobId: { type: String, required: true, unique: true },
    modelName: { type: String, required: true },
    version: { type: String, required: true },
    dataset: {
      type: new Schema(
        { id: { type: String, required: true }, name: String, version: Number, sha256: String },
        { _id: false },
      ),
      required: true,
    },
    target: { type: String, required: true },
    task: { type: String, required: true },
    rows: { type: Number, required: true },
    metrics: { type: Schema.Types.Mixed, required: true },
    /** {name, value, direction} of the metric the gates compare */
    primaryMetric: { type: Schema.Types.Mixed, required: true },
    /** the whole report as the job returned it (snake_case, no nested arrays) */
    report: { type: Schema.Types.Mixed, required: true },
  },
  { timestamps: true, collection: 'evaluations' },
);
evaluationSchema.index({ modelName: 1, version: 1, createdAt: -1 });
evaluationSchema.index({ 'dataset.id': 1 });

export type EvaluationDoc = InferSchemaType<typeof evaluationSchema>;

export function evaluationModel(conn: Connection): Model<EvaluationDoc> {
  return (conn.models.Evaluation as Model<EvaluationDoc>) ?? conn.model<EvaluationDoc>('Evaluation', evaluationSchema);
}
