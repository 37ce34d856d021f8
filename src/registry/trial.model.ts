import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const TRIAL_STATES = ['running', 'complete', 'pruned', 'failed'] as const;

/** One trial of a study. (studyId, number) is unique: a trial number is handed out once, whoever asks. */
const trialSchema = new Schema(
  {
    studyId: { type: String, required: true },
    number: { type: Number, required: true },
    state: { type: String, enum: TRIAL_STATES, required: true },
    params: { type: Schema.Types.Mixed, required: true },
    value: { type: Number, default: null },
    /** the steps in `intermediate`, so a report can be made conditional on its step being new */
    steps: { type: [Number], default: [] },
    /** fold metrics in the order reported; an array of documents, never nested arrays (FerretDB) */
    intermediate: { type: [new Schema({ step: { type: Number, required: true }, value: { type: Number, required: true } }, { _id: false })], default: [] },
    cvMetrics: { type: Schema.Types.Mixed, default: null },
    attempts: { type: Number, default: 0 },
    worker: { type: String, default: null },
    error: { type: String, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'trials', minimize: false },
);
trialSchema.index({ studyId: 1, number: 1 }, { unique: true });

export type TrialDoc = InferSchemaType<typeof trialSchema> & { createdAt: Date };

export function trialModel(conn: Connection): Model<TrialDoc> {
  return (conn.models.Trial as Model<TrialDoc>) ?? conn.model<TrialDoc>('Trial', trialSchema);
}

/**
 * How a trial ended, keyed by `${studyId}/${number}`: inserting it is the
 * "tell". A unique _id is the one exactly-once primitive FerretDB honours
 * under concurrency (its conditional updates are not atomic), so the first
 * insert wins and readers take a trial's final state from here.
 */
const trialOutcomeSchema = new Schema(
  {
    _id: { type: String, required: true },
    studyId: { type: String, required: true, index: true },
    number: { type: Number, required: true },
    state: { type: String, enum: TRIAL_STATES.filter((s) => s !== 'running'), required: true },
    value: { type: Number, default: null },
    cvMetrics: { type: Schema.Types.Mixed, default: null },
    error: { type: String, default: null },
    finishedAt: { type: Date, required: true },
  },
  { collection: 'trial_outcomes', minimize: false },
);

export type TrialOutcomeDoc = InferSchemaType<typeof trialOutcomeSchema>;

export function trialOutcomeModel(conn: Connection): Model<TrialOutcomeDoc> {
  return (conn.models.TrialOutcome as Model<TrialOutcomeDoc>) ?? conn.model<TrialOutcomeDoc>('TrialOutcome', trialOutcomeSchema);
}
