import { UnrecoverableError } from 'bullmq';
import type { Table } from '../ml/data/table.js';
import type { Fold } from '../ml/model-selection/index.js';
import type { FitResult, FoldResult, TaskOutcome } from '../ml/pipeline/fold-task.js';
import type { PipelineSpec } from '../ml/pipeline/model-pipeline.js';
import type { TaskRunner } from './task-runner.js';

/** A failure retrying cannot fix (bad data or parameters): the job fails at once. */
export function unrecoverable<T>(outcome: TaskOutcome<T>): asserts outcome is { ok: true } & T {
  if (!outcome.ok) throw new UnrecoverableError(`${outcome.error.name}: ${outcome.error.message}`);
}

export interface CvMetric {
  mean: number | null;
  std: number | null;
  folds: Array<number | null>;
}

export interface CrossValidation {
  cvMetrics: Record<string, CvMetric>;
  /** the final model, fitted on every row */
  fit: FitResult;
}

/** Options of {@link crossValidateAndFit}. */
export interface CrossValidateOptions {
  /** aborting stops every task and its thread */
  signal?: AbortSignal;
  onTaskDone?: (stage: 'cross_validation' | 'final_fit') => Promise<void> | void;
  /**
   * Called as each fold finishes, with its index in `folds`; throwing stops
   * the remaining folds (tuning prunes a trial this way).
   */
  onFoldDone?: (index: number, result: FoldResult) => Promise<void> | void;
  /** @defaultValue true */
  withFinalFit?: boolean;
  /**
   * Most folds handed to the pool at once, started in fold order; the rest
   * wait, so a pruned trial never starts them.
   * @defaultValue every fold at once
   */
  foldConcurrency?: number;
}

/** Runs `fn` over the items with at most `limit` in flight, in order; the first failure stops the rest. */
async function inOrder<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (signal.aborted) throw signal.reason;
  return out;
}

/**
 * Runs every CV fold and the final fit as pool tasks at once: the final fit
 * does not depend on the folds, so on k threads this takes about
 * ceil((folds + 1) / k) fold-times. One failed task aborts its siblings.
 */
export async function crossValidateAndFit(
  runner: TaskRunner,
  spec: PipelineSpec,
  table: Table,
  folds: Fold[],
  options: CrossValidateOptions = {},
): Promise<CrossValidation> {
  const { signal, onTaskDone, onFoldDone } = options;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  // a job cancelled while it was still loading its data arrives here already aborted: the listener would never fire
  if (signal?.aborted) onAbort();
  const fitting =
    options.withFinalFit === false
      ? Promise.resolve(null)
      : runner.run<TaskOutcome<FitResult>>('fit', { spec, table }, { signal: stop.signal }).then(async (r) => {
          unrecoverable(r);
          await onTaskDone?.('final_fit');
          return r;
        });
  const runFold = async ([trainIdx, testIdx]: Fold, index: number): Promise<FoldResult> => {
    const r = await runner.run<TaskOutcome<FoldResult>>('cv-fold', { spec, table, trainIdx, testIdx }, { signal: stop.signal });
    unrecoverable(r);
    await onFoldDone?.(index, r);
    await onTaskDone?.('cross_validation');
    return r;
  };
  const folding =
    options.foldConcurrency === undefined || options.foldConcurrency >= folds.length
      ? Promise.all(folds.map(runFold))
      : inOrder(folds, Math.max(1, options.foldConcurrency), runFold, stop.signal);
  try {
    const [fit, foldResults] = await Promise.all([fitting, folding]);
    return { cvMetrics: aggregate(foldResults.map((r) => r.metrics)), fit: fit as FitResult };
  } catch (err) {
    stop.abort(err);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function aggregate(perFold: Array<Record<string, number | null>>): Record<string, CvMetric> {
  const out: Record<string, CvMetric> = {};
  for (const name of Object.keys(perFold[0] ?? {})) {
    const folds = perFold.map((m) => m[name] ?? null);
    const vals = folds.filter((v): v is number => v !== null);
    const mean = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
    const std = mean === null ? null : Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
    out[name] = { mean, std, folds };
  }
  return out;
}
