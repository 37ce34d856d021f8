import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * A sample of served predictions: inputs, outputs and latency per
 * prediction id. Drift checks read the inputs and outputs; feedback joins
 * true labels by prediction id for live performance.
 */
const predictionLogSchema = new Schema(
  {
    /** the prediction id returned to the caller */
    _id: { type: String, required: true },
    modelName: { type: String, required: true },
    version: { type: String, required: true },
    /** the raw instance as received (feature name -> value; no nested arrays) */
    input: { type: Schema.Types.Mixed, required: true },
    /** predicted label or value */
    prediction: { type: Schema.Types.Mixed, required: true },
    /** class probabilities in `classes` order, for classifiers */
    probabilities: { type: [Number], default: undefined },
    latencyMs: { type: Number, required: true },
    /** true label from POST /v1/models/:name/feedback */
    label: { type: Schema.Types.Mixed, default: null },
    labeledAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'prediction_log', versionKey: false },
);
predictionLogSchema.index({ modelName: 1, createdAt: -1 });
predictionLogSchema.index({ modelName: 1, labeledAt: -1 });

export type PredictionLogDoc = InferSchemaType<typeof predictionLogSchema>;

export function predictionLogModel(conn: Connection): Model<PredictionLogDoc> {
  return (conn.models.PredictionLog as Model<PredictionLogDoc>) ?? conn.model<PredictionLogDoc>('PredictionLog', predictionLogSchema);
}
