import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

/**
 * The outcome of one drift check of a model version: inputs, predictions and
 * (once labels arrive) the target against the version's reference profile,
 * plus the live metrics of the same window. `runKey` (the tick, or the job
 * id of an on-demand check) is unique per model, so two schedulers store one
 * report per tick.
 */
const driftReportSchema = new Schema(
  {
    modelName: { type: String, required: true },
    version: { type: String, required: true },
    runKey: { type: String, required: true },
    trigger: { type: String, enum: ['schedule', 'on_demand'], required: true },
    jobId: { type: String, default: null },
    at: { type: Date, required: true },
    /** ok | drift | insufficient_data | no_reference */
    status: { type: String, required: true },
    windowRows: { type: Number, required: true },
    windowFrom: { type: Date, default: null },
    windowTo: { type: Date, default: null },
    labeledRows: { type: Number, default: 0 },
    psiThreshold: { type: Number, required: true },
    driftShare: { type: Number, required: true },
    nFeatures: { type: Number, default: 0 },
    nDrifted: { type: Number, default: 0 },
    shareDrifted: { type: Number, default: null },
    drifted: { type: Boolean, default: false },
    /** the drift rule that fired (share, feature_and_prediction), null without drift */
    driftRule: { type: String, default: null },
    /** per feature: psi, js_distance, ks/chi-square statistic and p-value, wasserstein, drifted */
    features: { type: [Schema.Types.Mixed], default: [] },
    prediction: { type: Schema.Types.Mixed, default: null },
    target: { type: Schema.Types.Mixed, default: null },
    /** live metrics of the labelled rows of the window */
    performance: { type: Schema.Types.Mixed, default: null },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'drift_reports', versionKey: false },
);
driftReportSchema.index({ modelName: 1, runKey: 1 }, { unique: true });
driftReportSchema.index({ modelName: 1, at: -1 });
driftReportSchema.index({ expiresAt: 1 });

export type DriftReportDoc = InferSchemaType<typeof driftReportSchema> & { _id: Types.ObjectId };

export function driftReportModel(conn: Connection): Model<DriftReportDoc> {
  return (conn.models.DriftReport as Model<DriftReportDoc>) ?? conn.model<DriftReportDoc>('DriftReport', driftReportSchema);
}
