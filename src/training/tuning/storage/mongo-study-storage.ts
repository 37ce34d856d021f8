import type { Connection, Model } from 'mongoose';
import { isDuplicateKey } from '../../../registry/database.js';
import { studyModel, studyOutcomeModel, type StudyDoc, type StudyOutcomeDoc } from '../../../registry/study.model.js';
import { trialModel, trialOutcomeModel, type TrialDoc, type TrialOutcomeDoc } from '../../../registry/trial.model.js';
import type { FrozenTrial, TrialOutcome, TrialParams } from '../trial.js';
import type { NewStudy, StudyRecord, StudyState, StudyStorage } from './study-storage.js';

/**
 * Studies in MongoDB, shared by every worker. Exactly-once rests on unique
 * keys only, never on transactions or on conditional updates being atomic
 * (FerretDB runs concurrent conditional updates without isolation): the
 * unique (studyId, number) index hands each trial number out once, and a
 * trial (or study) is finished by inserting its outcome under a unique _id,
 * so the first teller wins. The trial document then mirrors the outcome for
 * people reading the collection; readers here trust the outcome.
 */
export class MongoStudyStorage implements StudyStorage {
  private readonly studies: Model<StudyDoc>;
  private readonly studyOutcomes: Model<StudyOutcomeDoc>;
  private readonly trials: Model<TrialDoc>;
  private readonly outcomes: Model<TrialOutcomeDoc>;
  private indexes?: Promise<unknown>;
  /** per-trial write queues: FerretDB loses one of two concurrent updates to a document, and a trial's folds report at once */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(conn: Connection) {
    this.studies = studyModel(conn);
    this.studyOutcomes = studyOutcomeModel(conn);
    this.trials = trialModel(conn);
    this.outcomes = trialOutcomeModel(conn);
  }

  /** Builds the indexes once; the unique trial index carries the exactly-once guarantee. */
  private ready(): Promise<unknown> {
    this.indexes ??= Promise.all([this.studies, this.trials, this.outcomes].map((m) => m.createIndexes())).catch((err) => {
      this.indexes = undefined;
      throw err;
    });
    return this.indexes;
  }

  async createStudy(study: NewStudy): Promise<{ study: StudyRecord; created: boolean }> {
    await this.ready();
    const { id, ...rest } = study;
    try {
      await this.studies.create({ _id: id, ...rest, state: 'running' });
      return { study: (await this.getStudy(id))!, created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.getStudy(id);
      if (!existing) throw err;
      return { study: existing, created: false };
    }
  }

  async getStudy(id: string): Promise<StudyRecord | null> {
    const [doc, outcome] = await Promise.all([this.studies.findById(id).lean<StudyDoc>(), this.studyOutcomes.findById(id).lean<StudyOutcomeDoc>()]);
    return doc ? toStudy(doc, outcome) : null;
  }

  async finishStudy(id: string, state: Exclude<StudyState, 'running'>, bestTrial: number | null = null): Promise<boolean> {
    if (!(await this.studies.exists({ _id: id }))) return false;
    const finishedAt = new Date();
    try {
      await this.studyOutcomes.create({ _id: id, state, bestTrial, finishedAt });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    await this.studies.updateOne({ _id: id }, { $set: { state, bestTrial, finishedAt } });
    return true;
  }

  async createTrial(studyId: string, number: number, params: TrialParams): Promise<FrozenTrial | null> {
    await this.ready();
    try {
      const doc = await this.trials.create({ studyId, number, state: 'running', params });
      return toTrial(doc.toObject() as TrialDoc, null);
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  async getTrial(studyId: string, number: number): Promise<FrozenTrial | null> {
    const [doc, outcome] = await Promise.all([
      this.trials.findOne({ studyId, number }).lean<TrialDoc>(),
      this.outcomes.findById(outcomeId(studyId, number)).lean<TrialOutcomeDoc>(),
    ]);
    return doc ? toTrial(doc, outcome) : null;
  }

  async getTrials(studyId: string): Promise<FrozenTrial[]> {
    const [docs, outcomes] = await Promise.all([
      this.trials.find({ studyId }).sort({ number: 1 }).lean<TrialDoc[]>(),
      this.outcomes.find({ studyId }).lean<TrialOutcomeDoc[]>(),
    ]);
    const byNumber = new Map(outcomes.map((o) => [o.number, o]));
    return docs.map((d) => toTrial(d, byNumber.get(d.number) ?? null));
  }

  async startTrial(studyId: string, number: number, worker: string): Promise<FrozenTrial | null> {
    if (await this.outcomes.exists({ _id: outcomeId(studyId, number) })) return null;
    await this.trials.updateOne({ studyId, number, state: 'running' }, { $inc: { attempts: 1 }, $set: { worker, startedAt: new Date(), intermediate: [], steps: [] } });
    const t = await this.getTrial(studyId, number);
    return t && t.state === 'running' ? t : null;
  }

  reportIntermediate(studyId: string, number: number, step: number, value: number): Promise<boolean> {
    return this.serial(outcomeId(studyId, number), async () => {
      if (await this.outcomes.exists({ _id: outcomeId(studyId, number) })) return false;
      const res = await this.trials.updateOne({ studyId, number, state: 'running', steps: { $ne: step } }, { $push: { steps: step, intermediate: { step, value } } });
      return res.matchedCount === 1 || (await this.trials.exists({ studyId, number, state: 'running' })) !== null;
    });
  }

  /** Runs writes to one document one after another within this process. */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  async finishTrial(studyId: string, number: number, outcome: TrialOutcome): Promise<boolean> {
    if (!(await this.trials.exists({ studyId, number }))) return false;
    const fields = {
      state: outcome.state,
      value: outcome.value ?? null,
      cvMetrics: outcome.cvMetrics ?? null,
      error: outcome.error ?? null,
      finishedAt: new Date(),
    };
    try {
      await this.outcomes.create({ _id: outcomeId(studyId, number), studyId, number, ...fields });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    await this.trials.updateOne({ studyId, number }, { $set: fields });
    return true;
  }
}

function outcomeId(studyId: string, number: number): string {
  return `${studyId}/${number}`;
}

function toStudy(doc: StudyDoc, outcome: StudyOutcomeDoc | null): StudyRecord {
  return {
    id: String(doc._id),
    name: doc.name,
    direction: doc.direction as StudyRecord['direction'],
    metric: doc.metric,
    nTrials: doc.nTrials,
    spec: doc.spec as StudyRecord['spec'],
    task: doc.task as StudyRecord['task'],
    datasetId: doc.datasetId,
    seed: doc.seed,
    state: (outcome?.state ?? 'running') as StudyState,
    bestTrial: outcome?.bestTrial ?? null,
    createdAt: doc.createdAt,
    finishedAt: outcome?.finishedAt ?? null,
  };
}

function toTrial(doc: TrialDoc, outcome: TrialOutcomeDoc | null): FrozenTrial {
  return {
    number: doc.number,
    state: (outcome?.state ?? 'running') as FrozenTrial['state'],
    params: (doc.params ?? {}) as TrialParams,
    value: outcome?.value ?? null,
    intermediate: (doc.intermediate ?? []).map((iv) => ({ step: iv.step, value: iv.value })),
    cvMetrics: (outcome?.cvMetrics ?? null) as FrozenTrial['cvMetrics'],
    attempts: doc.attempts ?? 0,
    worker: doc.worker ?? null,
    error: outcome?.error ?? null,
    createdAt: doc.createdAt,
    startedAt: doc.startedAt ?? null,
    finishedAt: outcome?.finishedAt ?? null,
  };
}
