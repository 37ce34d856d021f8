import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * One move of an alias: from which version to which, by whom, when and why.
 * The alias document carries its last move, written in the same update as
 * the move itself, so the history collection can always be completed from it
 * (no transactions on FerretDB).
 */
export const aliasMoveFields = {
  /** counts moves of this alias from 1; unique with (model, alias) in the history */
  revision: { type: Number, required: true },
  from: { type: String, default: null },
  to: { type: String, required: true },
  /** API key role and fingerprint (`operator:3fa2c1d0`), or 'anonymous' when the API is open */
  who: { type: String, required: true },
  at: { type: Date, required: true },
  reason: { type: String, default: null },
  /** true when validation gates failed and `force` overrode them */
  forced: { type: Boolean, default: false },
  /** the validation gates as checked at the move, or null for an ungated alias */
  gates: { type: Schema.Types.Mixed, default: null },
} as const;

const aliasMoveSchema = new Schema(aliasMoveFields, { _id: false });

/** A named pointer (`production`, `staging`, ...) to one version of a model; unique per (model, alias). */
const modelAliasSchema = new Schema(
  {
    modelName: { type: String, required: true },
    alias: { type: String, required: true },
    version: { type: String, required: true },
    revision: { type: Number, required: true },
    lastMove: { type: aliasMoveSchema, required: true },
  },
  { timestamps: true, collection: 'model_aliases' },
);
modelAliasSchema.index({ modelName: 1, alias: 1 }, { unique: true });
modelAliasSchema.index({ modelName: 1, version: 1 });

export type ModelAliasDoc = InferSchemaType<typeof modelAliasSchema>;
export type AliasMove = InferSchemaType<typeof aliasMoveSchema>;

export function modelAliasModel(conn: Connection): Model<ModelAliasDoc> {
  return (conn.models.ModelAlias as Model<ModelAliasDoc>) ?? conn.model<ModelAliasDoc>('ModelAlias', modelAliasSchema);
}
