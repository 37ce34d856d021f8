import { bestTrial, type Study } from './study.js';
import type { TrialDispatcher } from './trial-dispatcher.js';
import type { FrozenTrial } from './trial.js';

/** Where a study stands, for the job's progress. */
export interface StudyProgress {
  /** finished trials (complete, pruned or failed) */
  done: number;
  total: number;
  complete: number;
  pruned: number;
  failed: number;
  /** numbers of the trials asked for and not finished yet */
  running: number[];
  bestValue: number | null;
  bestTrial: number | null;
}

/** Options of {@link runStudy}. */
export interface DriveOptions {
  dispatcher: TrialDispatcher;
  /** trials in flight at once */
  parallelism: number;
  /** stops asking for trials; runStudy then returns */
  signal?: AbortSignal;
  /** longest wait between looks at storage (a dispatcher that signals finished trials wakes the driver sooner) @defaultValue 200 */
  pollMs?: number;
  /** how often running trials' jobs are checked for having gone missing @defaultValue 2000 */
  checkMs?: number;
  onProgress?: (p: StudyProgress) => Promise<void> | void;
}

export function progressOf(study: Study, trials: readonly FrozenTrial[]): StudyProgress {
  const count = (s: FrozenTrial['state']): number => trials.filter((t) => t.state === s).length;
  const best = bestTrial(study.direction, trials);
  const running = trials.filter((t) => t.state === 'running').map((t) => t.number);
  return {
    done: trials.length - running.length,
    total: study.record.nTrials,
    complete: count('complete'),
    pruned: count('pruned'),
    failed: count('failed'),
    running,
    bestValue: best?.value ?? null,
    bestTrial: best?.number ?? null,
  };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Drives a study to n_trials finished trials: keeps `parallelism` trials in
 * flight (ask, then dispatch), and waits for trials to tell storage how they
 * ended. Everything it knows is in storage, so a driver that dies is
 * replaced by another that picks up where it stopped: running trials keep
 * running (their jobs are re-dispatched if they never got queued), finished
 * ones stay finished, and no number past n_trials is ever asked.
 */
export async function runStudy(study: Study, options: DriveOptions): Promise<FrozenTrial[]> {
  const { dispatcher, signal } = options;
  const pollMs = options.pollMs ?? 200;
  const checkMs = options.checkMs ?? 2000;
  let lastCheck = -Infinity;
  let lastProgress = '';
  for (;;) {
    const trials = await study.trials();
    const progress = progressOf(study, trials);
    const key = JSON.stringify(progress);
    if (key !== lastProgress) {
      lastProgress = key;
      await options.onProgress?.(progress);
    }
    if (progress.done >= study.record.nTrials || signal?.aborted) return trials;

    if (Date.now() - lastCheck >= checkMs) {
      lastCheck = Date.now();
      for (const number of progress.running) {
        const status = await dispatcher.status(study.id, number);
        if (status.kind === 'missing') await dispatcher.dispatch(study.id, number);
        else if (status.kind === 'lost') await study.tell(number, { state: 'failed', error: status.reason });
      }
    }
    let inFlight = progress.running.length;
    while (inFlight < options.parallelism && !signal?.aborted) {
      const trial = await study.ask();
      if (!trial) break;
      await dispatcher.dispatch(study.id, trial.number);
      inFlight++;
    }
    await (dispatcher.waitForChange ? dispatcher.waitForChange(study.id, pollMs, signal) : sleep(pollMs, signal));
  }
}

/**
 * Cancels a study: marks it cancelled (trials check this before they start
 * and while they run), removes trial jobs that have not started, aborts
 * running ones, and waits for them to settle. Trials still running after
 * `settleMs` are recorded as failed, so none is left running.
 */
export async function cancelStudy(study: Study, dispatcher: TrialDispatcher, settleMs = 15_000, pollMs = 100): Promise<void> {
  await study.finish('cancelled');
  const running = (await study.trials()).filter((t) => t.state === 'running').map((t) => t.number);
  for (const number of running) {
    const gone = await dispatcher.cancel(study.id, number);
    if (gone) await study.tell(number, { state: 'failed', error: 'cancelled before it started' });
  }
  const deadline = Date.now() + settleMs;
  for (;;) {
    const still = (await study.trials()).filter((t) => t.state === 'running');
    if (still.length === 0) return;
    if (Date.now() > deadline) {
      for (const t of still) await study.tell(t.number, { state: 'failed', error: 'cancelled: did not stop in time' });
      return;
    }
    await sleep(pollMs);
  }
}
