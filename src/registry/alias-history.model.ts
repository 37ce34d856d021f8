import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { aliasMoveFields } from './model-alias.model.js';

/** Every move of every alias, append-only; (model, alias, revision) is unique so a repeated write is harmless. */
const aliasHistorySchema = new Schema(
  {
    modelName: { type: String, required: true },
    alias: { type: String, required: true },
    ...aliasMoveFields,
  },
  { collection: 'alias_history', versionKey: false },
);
aliasHistorySchema.index({ modelName: 1, alias: 1, revision: -1 }, { unique: true });

export type AliasHistoryDoc = InferSchemaType<typeof aliasHistorySchema>;

export function aliasHistoryModel(conn: Connection): Model<AliasHistoryDoc> {
  return (conn.models.AliasHistory as Model<AliasHistoryDoc>) ?? conn.model<AliasHistoryDoc>('AliasHistory', aliasHistorySchema);
}
