import type { FrozenTrial, TrialOutcome, TrialParams } from '../trial.js';
import type { NewStudy, StudyRecord, StudyState, StudyStorage } from './study-storage.js';

const clone = <T>(v: T): T => structuredClone(v);

/** Studies in this process's memory: for unit tests and in-process benchmarks. */
export class MemoryStudyStorage implements StudyStorage {
  private readonly studies = new Map<string, StudyRecord>();
  private readonly trials = new Map<string, Map<number, FrozenTrial>>();

  async createStudy(study: NewStudy): Promise<{ study: StudyRecord; created: boolean }> {
    const existing = this.studies.get(study.id);
    if (existing) return { study: clone(existing), created: false };
    const record: StudyRecord = { ...clone(study), state: 'running', bestTrial: null, createdAt: new Date(), finishedAt: null };
    this.studies.set(study.id, record);
    this.trials.set(study.id, new Map());
    return { study: clone(record), created: true };
  }

  async getStudy(id: string): Promise<StudyRecord | null> {
    const s = this.studies.get(id);
    return s ? clone(s) : null;
  }

  async finishStudy(id: string, state: Exclude<StudyState, 'running'>, bestTrial: number | null = null): Promise<boolean> {
    const s = this.studies.get(id);
    if (!s || s.state !== 'running') return false;
    Object.assign(s, { state, bestTrial, finishedAt: new Date() });
    return true;
  }

  async createTrial(studyId: string, number: number, params: TrialParams): Promise<FrozenTrial | null> {
    const trials = this.trialsOf(studyId);
    if (trials.has(number)) return null;
    const t: FrozenTrial = {
      number,
      state: 'running',
      params: clone(params),
      value: null,
      intermediate: [],
      cvMetrics: null,
      attempts: 0,
      worker: null,
      error: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
    };
    trials.set(number, t);
    return clone(t);
  }

  async getTrial(studyId: string, number: number): Promise<FrozenTrial | null> {
    const t = this.trials.get(studyId)?.get(number);
    return t ? clone(t) : null;
  }

  async getTrials(studyId: string): Promise<FrozenTrial[]> {
    return [...(this.trials.get(studyId)?.values() ?? [])].sort((a, b) => a.number - b.number).map(clone);
  }

  async startTrial(studyId: string, number: number, worker: string): Promise<FrozenTrial | null> {
    const t = this.trials.get(studyId)?.get(number);
    if (!t || t.state !== 'running') return null;
    Object.assign(t, { attempts: t.attempts + 1, worker, startedAt: new Date(), intermediate: [] });
    return clone(t);
  }

  async reportIntermediate(studyId: string, number: number, step: number, value: number): Promise<boolean> {
    const t = this.trials.get(studyId)?.get(number);
    if (!t || t.state !== 'running') return false;
    if (!t.intermediate.some((iv) => iv.step === step)) t.intermediate.push({ step, value });
    return true;
  }

  async finishTrial(studyId: string, number: number, outcome: TrialOutcome): Promise<boolean> {
    const t = this.trials.get(studyId)?.get(number);
    if (!t || t.state !== 'running') return false;
    Object.assign(t, {
      state: outcome.state,
      value: outcome.value ?? null,
      cvMetrics: clone(outcome.cvMetrics ?? null),
      error: outcome.error ?? null,
      finishedAt: new Date(),
    });
    return true;
  }

  private trialsOf(studyId: string): Map<number, FrozenTrial> {
    const trials = this.trials.get(studyId);
    if (!trials) throw new Error(`study '${studyId}' does not exist`);
    return trials;
  }
}
