import type { Pruner } from './pruners/pruner.js';
import type { Sampler } from './samplers/sampler.js';
import type { SearchSpace } from './search-space.js';
import type { Direction, StudyRecord, StudyStorage } from './storage/study-storage.js';
import type { FrozenTrial, TrialOutcome } from './trial.js';

export type { Direction, StudyRecord, StudyState } from './storage/study-storage.js';

/** What samplers and pruners see of a study: its direction and every trial, read at one moment. */
export interface StudySnapshot {
  direction: Direction;
  trials: readonly FrozenTrial[];
}

/** True when `a` is better than `b` in the study's direction. */
export function isBetter(direction: Direction, a: number, b: number): boolean {
  return direction === 'maximize' ? a > b : a < b;
}

/** The complete trial with the best value (the lowest number on ties), or null. */
export function bestTrial(direction: Direction, trials: readonly FrozenTrial[]): FrozenTrial | null {
  let best: FrozenTrial | null = null;
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === null) continue;
    if (!best || isBetter(direction, t.value, best.value!)) best = t;
  }
  return best;
}

/**
 * A study: a search space, a direction, and trials numbered 0..n_trials-1
 * that live in storage, so that any worker can ask for the next trial, run
 * it and tell its result (Optuna's ask/tell). Numbers are handed out once
 * (storage refuses a second trial with the same number), so a study never
 * runs more than n_trials trials however many askers race.
 */
export class Study {
  constructor(
    readonly record: StudyRecord,
    private readonly storage: StudyStorage,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get direction(): Direction {
    return this.record.direction;
  }

  get space(): SearchSpace {
    return this.record.spec.search_space;
  }

  /** The study as storage has it now (its state changes when it finishes or is cancelled). */
  async reload(): Promise<StudyRecord | null> {
    return this.storage.getStudy(this.id);
  }

  /** Ends the study once; false when it had ended already. */
  finish(state: 'complete' | 'cancelled' | 'failed', bestTrial: number | null = null): Promise<boolean> {
    return this.storage.finishStudy(this.id, state, bestTrial);
  }

  trial(number: number): Promise<FrozenTrial | null> {
    return this.storage.getTrial(this.id, number);
  }

  /** A worker takes up a running trial; null when it is finished already (never run twice). */
  start(number: number, worker: string): Promise<FrozenTrial | null> {
    return this.storage.startTrial(this.id, number, worker);
  }

  async trials(): Promise<FrozenTrial[]> {
    return this.storage.getTrials(this.id);
  }

  async snapshot(): Promise<StudySnapshot> {
    return { direction: this.direction, trials: await this.trials() };
  }

  /**
   * Creates the next trial with parameters from the sampler, or returns null
   * once all n_trials numbers are taken. Safe to call from several places at
   * once: a lost race for a number retries with the next one.
   */
  async ask(): Promise<FrozenTrial | null> {
    for (;;) {
      const snap = await this.snapshot();
      const number = snap.trials.length === 0 ? 0 : snap.trials[snap.trials.length - 1].number + 1;
      if (number >= this.record.nTrials) return null;
      const params = this.sampler.sample(snap, { number }, this.space);
      const trial = await this.storage.createTrial(this.id, number, params);
      if (trial) return trial;
    }
  }

  /** Finishes a trial; false when someone told it already. */
  tell(number: number, outcome: TrialOutcome): Promise<boolean> {
    return this.storage.finishTrial(this.id, number, outcome);
  }

  /** Records a fold's metric and asks the pruner whether the trial should stop. */
  async report(number: number, step: number, value: number): Promise<{ prune: boolean }> {
    const recorded = await this.storage.reportIntermediate(this.id, number, step, value);
    if (!recorded || this.pruner.name === 'none') return { prune: false };
    const snap = await this.snapshot();
    const me = snap.trials.find((t) => t.number === number);
    return { prune: me !== undefined && this.pruner.prune(snap, me) };
  }

  best(trials: readonly FrozenTrial[]): FrozenTrial | null {
    return bestTrial(this.direction, trials);
  }
}
