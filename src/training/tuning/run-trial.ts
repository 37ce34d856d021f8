import { UnrecoverableError } from 'bullmq';
import type { TuneJob } from '../../../queues/job-schemas.js';
import type { Table } from '../../ml/data/table.js';
import type { Fold } from '../../ml/model-selection/index.js';
import type { PipelineSpec, PipelineTask } from '../../ml/pipeline/pipeline-spec.js';
import { crossValidateAndFit } from '../cross-validate.js';
import type { TaskRunner } from '../task-runner.js';
import type { Study } from './study.js';
import { TrialPruned, type TrialParams, type TrialState } from './trial.js';

/** What running one trial needs. */
export interface TrialRunContext {
  runner: TaskRunner;
  table: Table;
  /** the study's CV folds (the same for every trial, so fold scores compare) */
  folds: Fold[];
  /** `host:pid`, recorded on the trial */
  worker: string;
  /** aborting stops the trial's folds and their threads */
  signal?: AbortSignal;
  /**
   * Folds in flight at once. With a pruner, fewer in flight means fewer
   * folds started that pruning then throws away.
   * @defaultValue every fold at once
   */
  foldConcurrency?: number;
  /** false lets a transient error be retried by the queue; true records the trial as failed */
  isLastAttempt?: boolean;
  /** polled while the trial runs; true stops it (the study was cancelled or its job ended) */
  stopped?: () => Promise<boolean>;
  /** @defaultValue 500 */
  watchMs?: number;
}

/** The pipeline a trial cross-validates: the job's model with the trial's parameters over its hyperparameters. */
export function trialSpec(job: TuneJob, task: PipelineTask, params: TrialParams): PipelineSpec {
  return {
    type: job.model.type,
    hyperparameters: { ...(job.model.hyperparameters as PipelineSpec['hyperparameters']), ...params },
    task,
    target: job.target,
    features: job.features,
    training: job.model.training,
  };
}

/** How a trial job ended here: `skipped` when it was finished (or the study stopped) before it began. */
export type TrialRunResult = TrialState | 'skipped';

/**
 * Runs trial `number` of a study: cross-validates its parameters in the
 * pool, reporting each fold's metric (step = fold index) so the pruner can
 * stop it early, then tells storage how it ended. A trial that is already
 * finished is never run again; one that was running on a worker that died
 * starts over.
 */
export async function runTrial(study: Study, number: number, ctx: TrialRunContext): Promise<TrialRunResult> {
  if ((await study.reload())?.state !== 'running' || (await ctx.stopped?.())) {
    await study.tell(number, { state: 'failed', error: 'the study was stopped before this trial started' });
    return 'skipped';
  }
  const trial = await study.start(number, ctx.worker);
  if (!trial) return 'skipped';

  const { record } = study;
  const metric = record.metric;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(ctx.signal?.reason ?? new Error('cancelled'));
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal?.aborted) onAbort();
  const watch = setInterval(() => {
    void (async () => {
      if (stop.signal.aborted) return;
      const s = await study.reload();
      if (s?.state !== 'running' || (await ctx.stopped?.())) stop.abort(new Error('the study was stopped'));
    })().catch(() => undefined);
  }, ctx.watchMs ?? 500);
  watch.unref?.();

  try {
    const { cvMetrics } = await crossValidateAndFit(ctx.runner, trialSpec(record.spec, record.task, trial.params), ctx.table, ctx.folds, {
      withFinalFit: false,
      signal: stop.signal,
      foldConcurrency: study.pruner.name === 'none' ? undefined : ctx.foldConcurrency,
      splitRounds: false,
      onFoldDone: async (step, result) => {
        const v = result.metrics[metric];
        if (v === undefined) throw new UnrecoverableError(`the metric '${metric}' is not computed for this model (fold metrics: ${Object.keys(result.metrics).join(', ')})`);
        if (v === null) return;
        const { prune } = await study.report(number, step, v);
        if (prune) throw new TrialPruned(step);
      },
    });
    const value = cvMetrics[metric]?.mean ?? null;
    if (value === null) {
      await study.tell(number, { state: 'failed', error: `the metric '${metric}' is undefined on every fold`, cvMetrics });
      return 'failed';
    }
    await study.tell(number, { state: 'complete', value, cvMetrics });
    return 'complete';
  } catch (err) {
    if (err instanceof TrialPruned) {
      const last = (await study.trial(number))?.intermediate.find((iv) => iv.step === err.step)?.value ?? null;
      await study.tell(number, { state: 'pruned', value: last });
      return 'pruned';
    }
    if (stop.signal.aborted) {
      await study.tell(number, { state: 'failed', error: 'cancelled: the study was stopped' });
      return 'failed';
    }
    if (err instanceof UnrecoverableError || ctx.isLastAttempt !== false) {
      await study.tell(number, { state: 'failed', error: (err as Error).message ?? String(err) });
      return 'failed';
    }
    throw err;
  } finally {
    clearInterval(watch);
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}
