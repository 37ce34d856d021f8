import { runTrial, type TrialRunContext } from './run-trial.js';
import type { Study } from './study.js';
import type { TrialDispatcher, TrialJobStatus } from './trial-dispatcher.js';

/** Runs a study's trials in this process (tests and benchmarks): the same trial code, no queue. */
export class LocalTrialDispatcher implements TrialDispatcher {
  private readonly inFlight = new Map<number, { done: Promise<void>; abort: AbortController }>();
  /** drivers waiting in waitForChange */
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly study: Study,
    private readonly ctx: Omit<TrialRunContext, 'signal'>,
  ) {}

  async dispatch(_studyId: string, number: number): Promise<void> {
    if (this.inFlight.has(number)) return;
    const abort = new AbortController();
    const done = runTrial(this.study, number, { ...this.ctx, signal: abort.signal })
      .then(() => undefined)
      .catch(async (err: unknown) => {
        await this.study.tell(number, { state: 'failed', error: String((err as Error)?.message ?? err) });
      })
      .finally(() => {
        this.inFlight.delete(number);
        for (const wake of this.waiters) wake();
      });
    this.inFlight.set(number, { done, abort });
  }

  /** Resolves when a trial settles, after `ms`, or on abort, whichever is first. */
  waitForChange(_studyId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  async status(_studyId: string, number: number): Promise<TrialJobStatus> {
    return this.inFlight.has(number) ? { kind: 'pending' } : { kind: 'missing' };
  }

  async cancel(_studyId: string, number: number): Promise<boolean> {
    const t = this.inFlight.get(number);
    if (!t) return true;
    t.abort.abort(new Error('cancelled'));
    return false;
  }

  /** Resolves when no trial is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight.values()].map((t) => t.done));
  }
}
