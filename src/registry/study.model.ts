import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const STUDY_STATES = ['running', 'complete', 'cancelled', 'failed'] as const;

/** A tuning study: one per tune job (`_id` is the job id), its trials in `trials`. */
const studySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** the model the best trial is registered as */
    name: { type: String, required: true },
    direction: { type: String, enum: ['maximize', 'minimize'], required: true },
    metric: { type: String, required: true },
    nTrials: { type: Number, required: true },
    /** the tune job spec, snake_case as parsed */
    spec: { type: Schema.Types.Mixed, required: true },
    task: { type: String, required: true },
    datasetId: { type: String, required: true },
    seed: { type: Number, required: true },
    state: { type: String, enum: STUDY_STATES, required: true, default: 'running' },
    bestTrial: { type: Number, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'studies', minimize: false },
);
studySchema.index({ name: 1, createdAt: -1 });

export type StudyDoc = InferSchemaType<typeof studySchema> & { createdAt: Date };

export function studyModel(conn: Connection): Model<StudyDoc> {
  return (conn.models.Study as Model<StudyDoc>) ?? conn.model<StudyDoc>('Study', studySchema);
}

/** How a study ended, keyed by the study id: the first insert wins (see trial_outcomes). */
const studyOutcomeSchema = new Schema(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: STUDY_STATES.filter((s) => s !== 'running'), required: true },
    bestTrial: { type: Number, default: null },
    finishedAt: { type: Date, required: true },
  },
  { collection: 'study_outcomes' },
);

export type StudyOutcomeDoc = InferSchemaType<typeof studyOutcomeSchema>;

export function studyOutcomeModel(conn: Connection): Model<StudyOutcomeDoc> {
  return (conn.models.StudyOutcome as Model<StudyOutcomeDoc>) ?? conn.model<StudyOutcomeDoc>('StudyOutcome', studyOutcomeSchema);
}
