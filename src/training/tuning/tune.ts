import { UnrecoverableError } from 'bullmq';
import type { JobProgress, TuneJob, TuneResult } from '../../../queues/job-schemas.js';
import { ParameterError } from '../../ml/base/errors.js';
import type { Table } from '../../ml/data/table.js';
import { defaultMetric, getMetric, metricDirection } from '../../ml/metrics/registry.js';
import type { Database } from '../../registry/database.js';
import { loadDatasetTable, resolveDataset } from '../../registry/dataset-service.js';
import { registerVersion, type Lineage } from '../../registry/model-registry.js';
import { saveReferenceProfile } from '../../registry/reference-profiles.js';
import { AppError } from '../../utils/app-error.js';
import { crossValidateAndFit } from '../cross-validate.js';
import { makeFolds } from '../cv-splits.js';
import { inferTask } from '../infer-task.js';
import type { TaskRunner } from '../task-runner.js';
import { checkColumns } from '../train.js';
import { createPruner } from './pruners/create-pruner.js';
import { trialSpec, runTrial, type TrialRunResult } from './run-trial.js';
import { createSampler } from './samplers/create-sampler.js';
import { GridSampler } from './samplers/grid-sampler.js';
import type { StudyStorage } from './storage/study-storage.js';
import { cancelStudy, progressOf, runStudy, type StudyProgress } from './study-driver.js';
import { Study, type StudyRecord } from './study.js';
import { TableCache } from './table-cache.js';
import type { TrialDispatcher, TrialJob } from './trial-dispatcher.js';
import { durationMs, type FrozenTrial } from './trial.js';

/** What a tune job needs from its worker. */
export interface TuneContext {
  db: Database;
  storage: StudyStorage;
  runner: TaskRunner;
  dispatcher: TrialDispatcher;
  tables: TableCache;
  jobId: string;
  packageVersion: string;
  /** folds when the job does not say (config training.cv_folds) */
  defaultCvFolds: number;
  signal?: AbortSignal;
  progress(p: JobProgress): Promise<void>;
  /** @defaultValue 200 */
  pollMs?: number;
  /** how long a cancel waits for running trials to stop @defaultValue 15000 */
  settleMs?: number;
}

/** Dataset tables by dataset id, read from GridFS once per process. */
export function datasetTables(db: Database): TableCache {
  return new TableCache(async (id) => loadDatasetTable(db, await resolveDataset(db, id)));
}

/** FNV-1a: a study's default sampler seed from its id, stable across resumes. */
export function seedFromId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The study's sampler and pruner built from its stored spec. */
export function studyOf(record: StudyRecord, storage: StudyStorage): Study {
  return new Study(record, storage, createSampler(record.spec.sampler, record.seed), createPruner(record.spec.pruner));
}

/**
 * The study of a tune job, created on its first attempt (dataset version,
 * task, metric, direction, folds and seed fixed then) and found again on any
 * later attempt, on whichever worker.
 */
export async function openStudy(job: TuneJob, ctx: Pick<TuneContext, 'db' | 'storage' | 'tables' | 'jobId' | 'defaultCvFolds'>): Promise<Study> {
  const existing = await ctx.storage.getStudy(ctx.jobId);
  if (existing) return studyOf(existing, ctx.storage);
  const dataset = await resolveDataset(ctx.db, job.dataset);
  const table = await ctx.tables.get(String(dataset._id));
  checkColumns(table, job);
  let task: StudyRecord['task'];
  let metric: string;
  let nTrials: number;
  try {
    task = job.task ?? inferTask(job.model.type, table, job.target);
    metric = job.metric ?? defaultMetric(task);
    const spec = getMetric(metric);
    if (spec.task !== (task === 'timeseries' ? 'regression' : task)) {
      throw new ParameterError(`Metric '${metric}' is a ${spec.task} metric and cannot score a ${task} task.`, 'metric');
    }
    nTrials = job.n_trials ?? GridSampler.size(job.search_space);
  } catch (err) {
    // the submit-time validation refuses these; a job queued some other way fails without retries
    if (err instanceof ParameterError) throw new UnrecoverableError(err.message);
    throw err;
  }
  const seed = 'seed' in job.sampler && typeof job.sampler.seed === 'number' ? job.sampler.seed : seedFromId(ctx.jobId);
  const { study } = await ctx.storage.createStudy({
    id: ctx.jobId,
    name: job.model_name,
    direction: job.direction ?? metricDirection(metric),
    metric,
    nTrials,
    spec: { ...job, cv: job.cv ?? { folds: ctx.defaultCvFolds, shuffle: true, seed: 0 } },
    task,
    datasetId: String(dataset._id),
    seed,
  });
  return studyOf(study, ctx.storage);
}

function jobProgress(p: StudyProgress): JobProgress {
  return {
    stage: 'trials',
    done: p.done,
    total: p.total,
    best_value: p.bestValue,
    best_trial: p.bestTrial,
    running: p.running.length,
    running_trials: p.running,
    complete: p.complete,
    pruned: p.pruned,
    failed: p.failed,
  };
}

/**
 * A tune job: drives its study until n_trials trials have finished (they run
 * as jobs on any worker), then refits the best trial's parameters on every
 * row in the pool and registers the model with lineage to the study and
 * trial. A retry (or another worker after a crash) resumes the same study;
 * a cancel stops the study and its running trials and leaves it in storage,
 * its trials also in the job's last progress.
 */
export async function runTuneJob(job: TuneJob, ctx: TuneContext): Promise<TuneResult> {
  const { db, signal } = ctx;
  const study = await openStudy(job, ctx);
  const registered = await db.modelVersions.findOne({ sourceJobId: ctx.jobId }).lean();
  if (registered) {
    await study.finish('complete', study.best(await study.trials())?.number ?? null);
    return tuneResult(study, await study.trials(), registered.version);
  }
  if (study.record.state !== 'running') throw new UnrecoverableError(`study '${study.id}' is ${study.record.state}`);

  try {
    const trials = await runStudy(study, {
      dispatcher: ctx.dispatcher,
      parallelism: job.parallelism,
      signal,
      pollMs: ctx.pollMs,
      onProgress: (p) => ctx.progress(jobProgress(p)),
    });
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    const best = study.best(trials);
    if (!best) {
      const reasons = [...new Set(trials.map((t) => t.error).filter(Boolean))].slice(0, 3).join('; ');
      throw new UnrecoverableError(`no trial of ${trials.length} completed${reasons ? `: ${reasons}` : ''}`);
    }
    const version = await refitAndRegister(job, study, best, ctx);
    await study.finish('complete', best.number);
    const total = study.record.nTrials;
    await ctx.progress({ stage: 'registered', done: total, total, best_value: best.value, best_trial: best.number });
    return tuneResult(study, trials, version);
  } catch (err) {
    const cancelled = signal?.aborted === true;
    // a transient failure leaves the study running for the retry to resume
    if (cancelled || err instanceof UnrecoverableError || (err instanceof AppError && err.status < 500)) {
      if (cancelled) await cancelStudy(study, ctx.dispatcher, ctx.settleMs);
      else await study.finish('failed');
      const trials = await study.trials();
      await ctx.progress({ ...jobProgress(progressOf(study, trials)), stage: cancelled ? 'cancelled' : 'failed', study_id: study.id, trials: trialViews(study, trials) });
    }
    throw err;
  }
}

/** Fits the best trial's parameters on every row (a pool task) and registers the version. Returns its label. */
async function refitAndRegister(job: TuneJob, study: Study, best: FrozenTrial, ctx: TuneContext): Promise<string> {
  const { db } = ctx;
  const total = study.record.nTrials;
  await ctx.progress({ stage: 'refit', done: total, total, best_value: best.value, best_trial: best.number });
  const dataset = await resolveDataset(db, study.record.datasetId);
  const table = await ctx.tables.get(study.record.datasetId);
  const spec = trialSpec(study.record.spec, study.record.task, best.params);
  const { fit } = await crossValidateAndFit(ctx.runner, spec, table, [], { signal: ctx.signal });
  const hyperparameters = spec.hyperparameters as Record<string, unknown>;
  const cvMetrics = best.cvMetrics ?? {};
  const lineage: Lineage = {
    dataset: { id: String(dataset._id), name: dataset.name, version: dataset.version, sha256: dataset.sha256 },
    job_id: ctx.jobId,
    job_type: 'tune',
    hyperparameters,
    package_version: ctx.packageVersion,
    study_id: study.id,
    trial_number: best.number,
  };
  const version = await registerVersion(db, {
    modelName: job.model_name,
    version: job.model.version,
    task: study.record.task,
    type: job.model.type,
    target: job.target,
    features: fit.featureSchema.map((f) => f.name),
    featureSchema: fit.featureSchema,
    classes: fit.classes,
    hyperparameters,
    config: { ...job.model, hyperparameters },
    metrics: Object.fromEntries(Object.entries(cvMetrics).map(([k, v]) => [k, v.mean])),
    cvMetrics,
    model: fit.model,
    lineage,
    sourceJobId: ctx.jobId,
    monitoring: job.model.monitoring,
  });
  await saveReferenceProfile(db, version, fit.profile);
  return version.version;
}

/** Every trial as the API shows it (snake_case), by number. */
export function trialViews(study: Study, trials: readonly FrozenTrial[]): TuneResult['trials'] {
  return trials.map((t) => ({
    number: t.number,
    state: t.state,
    params: t.params,
    values: t.cvMetrics?.[study.record.metric]?.folds ?? [...t.intermediate].sort((a, b) => a.step - b.step).map((iv) => iv.value),
    value: t.value,
    duration_ms: durationMs(t),
    worker: t.worker,
  }));
}

/** The job result: the best trial and every trial with its fold values. */
export function tuneResult(study: Study, trials: readonly FrozenTrial[], version: string): TuneResult {
  const best = study.best(trials);
  if (!best) throw new UnrecoverableError(`study '${study.id}' has no complete trial`);
  return {
    study_id: study.id,
    model_name: study.record.name,
    version,
    metric: study.record.metric,
    direction: study.direction,
    best_trial: best.number,
    best_params: best.params,
    best_value: best.value!,
    trials: trialViews(study, trials),
  };
}

/** What a trial job needs from its worker. */
export interface TrialJobContext {
  db: Database;
  storage: StudyStorage;
  runner: TaskRunner;
  tables: TableCache;
  worker: string;
  signal?: AbortSignal;
  isLastAttempt: boolean;
  foldConcurrency?: number;
}

/** True when the tune job behind a study was cancelled or has ended: its trials must stop. */
export async function parentStopped(db: Database, studyId: string): Promise<boolean> {
  const job = await db.jobs.findById(studyId).select({ state: 1, cancelRequested: 1 }).lean();
  return job !== null && (job.cancelRequested === true || ['cancelled', 'failed', 'completed'].includes(job.state));
}

/** A `tune_trial` job: runs one trial of a study stored in MongoDB. */
export async function runTrialJob(data: TrialJob, ctx: TrialJobContext): Promise<{ number: number; state: TrialRunResult }> {
  const record = await ctx.storage.getStudy(data.study_id);
  if (!record) throw new UnrecoverableError(`study '${data.study_id}' does not exist`);
  const study = studyOf(record, ctx.storage);
  const table: Table = await ctx.tables.get(record.datasetId);
  const folds = makeFolds(record.task, table, record.spec.target, record.spec.cv!);
  const state = await runTrial(study, data.number, {
    runner: ctx.runner,
    table,
    folds,
    worker: ctx.worker,
    signal: ctx.signal,
    // with a pruner, a trial shares the pool with the other trials in flight rather than starting folds it may not need
    foldConcurrency: ctx.foldConcurrency ?? Math.max(1, Math.floor(ctx.runner.threads / Math.min(record.spec.parallelism, ctx.runner.threads))),
    isLastAttempt: ctx.isLastAttempt,
    stopped: () => parentStopped(ctx.db, study.id),
  });
  return { number: data.number, state };
}
