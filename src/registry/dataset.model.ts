import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const datasetSchema = new Schema(
  {
    name: { type: String, required: true },
    version: { type: Number, required: true },
    rowCount: { type: Number, required: true },
    columns: [{ _id: false, name: { type: String, required: true }, type: { type: String, required: true } }],
    sha256: { type: String, required: true },
    sizeBytes: { type: Number, required: true },
    fileId: { type: Schema.Types.ObjectId, required: true },
    /** how it came: upload, or the job that wrote it (batch predictions) */
    source: { type: Schema.Types.Mixed, default: { kind: 'upload' } },
  },
  { timestamps: true, collection: 'datasets' },
);
datasetSchema.index({ name: 1, version: 1 }, { unique: true });

export type DatasetDoc = InferSchemaType<typeof datasetSchema> & { _id: import('mongoose').Types.ObjectId };

export function datasetModel(conn: Connection): Model<DatasetDoc> {
  return (conn.models.Dataset as Model<DatasetDoc>) ?? conn.model<DatasetDoc>('Dataset', datasetSchema);
}
