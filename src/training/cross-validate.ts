import { UnrecoverableError } from 'bullmq';
import type { Table } from '../ml/data/table.js';
import type { Fold } from '../ml/model-selection/index.js';
import type { Checkpoint } from '../ml/base/estimator.js';
import type { FitResult, FoldResult, PieceResult, RoundsPiece, TaskOutcome } from '../ml/pipeline/fold-task.js';
import { ModelPipeline, type PipelineSpec } from '../ml/pipeline/model-pipeline.js';
import type { TaskName, TaskRunner } from './task-runner.js';

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
  /**
   * Let boosting fits run in pieces when the tasks do not divide evenly
   * among the threads (see {@link pieceEnds}); off where other work fills
   * the pool anyway (tuning runs trials side by side).
   * @defaultValue true
   */
  splitRounds?: boolean;
}

/** Most pieces one fit is cut into. */
const MAX_PIECES = 4;

/**
 * Where each piece of a fit ends, when fits that can run in pieces
 * (boosting without early stopping) are worth cutting: `tasks` equal fits
 * on `threads` threads take ceil(tasks / threads) fit-times whole, but
 * ceil(tasks * c / threads) / c cut into c pieces, since a fit's next piece
 * goes on whichever thread is free (5 folds on 2 threads: 3 fit-times
 * whole, 2.5 in halves). Null when cutting gains nothing.
 */
export function pieceEnds(spec: PipelineSpec, tasks: number, threads: number): number[] | null {
  if (tasks <= threads || tasks % threads === 0) return null;
  let rounds: number | null;
  try {
    rounds = new ModelPipeline(spec).rounds;
  } catch {
    return null; // a bad spec: the tasks themselves report it
  }
  if (rounds === null) return null;
  let best = 1;
  let bestSpan = Math.ceil(tasks / threads);
  for (let c = 2; c <= Math.min(MAX_PIECES, rounds); c++) {
    const span = Math.ceil((tasks * c) / threads) / c;
    if (span < bestSpan - 1e-9) {
      best = c;
      bestSpan = span;
    }
  }
  if (best === 1) return null;
  return Array.from({ length: best }, (_, i) => Math.round((rounds * (i + 1)) / best));
}

/**
 * Runs a fit task whole, or as a chain of pieces each continuing from the
 * last one's checkpoint, queued afresh so it runs on the next free thread.
 */
async function runInPieces<R extends { fitMs: number }>(
  runner: TaskRunner,
  task: TaskName,
  payload: object,
  ends: number[] | null,
  signal: AbortSignal,
): Promise<TaskOutcome<R>> {
  if (!ends) return runner.run<TaskOutcome<R>>(task, payload, { signal });
  let from: Checkpoint | undefined;
  let fitMs = 0;
  for (let i = 0; ; i++) {
    const last = i === ends.length - 1;
    const rounds: RoundsPiece = { from, until: ends[i], last };
    const r = await runner.run<TaskOutcome<R | PieceResult>>(task, { ...payload, rounds }, { signal });
    if (!r.ok) return r;
    fitMs += r.fitMs;
    if (last) return { ...(r as { ok: true } & R), fitMs };
    from = (r as PieceResult).checkpoint;
  }
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
  const withFinalFit = options.withFinalFit !== false;
  const split = options.splitRounds !== false && options.foldConcurrency === undefined;
  const ends = split ? pieceEnds(spec, folds.length + (withFinalFit ? 1 : 0), runner.threads) : null;
  const fitting = !withFinalFit
    ? Promise.resolve(null)
    : runInPieces<FitResult>(runner, 'fit', { spec, table }, ends, stop.signal).then(async (r) => {
        unrecoverable(r);
        await onTaskDone?.('final_fit');
        return r;
      });
  const runFold = async ([trainIdx, testIdx]: Fold, index: number): Promise<FoldResult> => {
    const r = await runInPieces<FoldResult>(runner, 'cv-fold', { spec, table, trainIdx, testIdx }, ends, stop.signal);
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
