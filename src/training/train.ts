import { UnrecoverableError } from 'bullmq';
import type { JobProgress, TrainJob, TrainResult } from '../../queues/job-schemas.js';
import { findColumn, type Table } from '../ml/data/table.js';
import type { PipelineSpec } from '../ml/pipeline/model-pipeline.js';
import type { Database } from '../registry/database.js';
import { loadDatasetTable, resolveDataset } from '../registry/dataset-service.js';
import { registerVersion, type Lineage } from '../registry/model-registry.js';
import { saveReferenceProfile } from '../registry/reference-profiles.js';
import { crossValidateAndFit } from './cross-validate.js';
import { makeFolds } from './cv-splits.js';
import { inferTask } from './infer-task.js';
import { shareTable } from './share-table.js';
import type { TaskRunner } from './task-runner.js';

/** What a train job needs from its worker. */
export interface TrainContext {
  db: Database;
  runner: TaskRunner;
  jobId: string;
  packageVersion: string;
  /** folds when the job does not say (config training.cv_folds) */
  defaultCvFolds: number;
  signal?: AbortSignal;
  progress(p: JobProgress): Promise<void>;
}

/** The pipeline spec of a train job, given its task. */
export function pipelineSpec(job: TrainJob, task: PipelineSpec['task']): PipelineSpec {
  return {
    type: job.model.type,
    hyperparameters: job.model.hyperparameters as PipelineSpec['hyperparameters'],
    task,
    target: job.target,
    features: job.features,
    training: job.model.training,
    preprocessing: job.model.preprocessing,
  };
}

/** Checks the columns a job names exist in the table; a missing one fails the job for good. */
export function checkColumns(table: Table, job: { target: string; features?: string[]; dataset: string }): void {
  for (const name of [job.target, ...(job.features ?? [])]) {
    if (!findColumn(table, name)) {
      throw new UnrecoverableError(`column '${name}' is not in dataset '${job.dataset}' (columns: ${table.columns.map((c) => c.name).join(', ')})`);
    }
  }
}

/**
 * Cross-validates in parallel threads, fits on all rows, stores the model in
 * GridFS and registers a version with lineage. A retry after a crash finds
 * the version the first attempt registered and returns it.
 */
export async function runTrainJob(job: TrainJob, ctx: TrainContext): Promise<TrainResult> {
  const { db, runner, signal } = ctx;
  const already = await db.modelVersions.findOne({ sourceJobId: ctx.jobId }).lean();
  if (already) return resultOf(already.modelName, already.version, already.metrics, already.cvMetrics);

  const datasetDoc = await resolveDataset(db, job.dataset);
  const raw = await loadDatasetTable(db, datasetDoc);
  checkColumns(raw, job);
  const task = job.task ?? inferTask(job.model.type, raw, job.target);
  const spec = pipelineSpec(job, task);
  const table = shareTable(raw);

  const cv = job.cv ?? { folds: ctx.defaultCvFolds, shuffle: true, seed: 0 };
  const folds = makeFolds(task, table, job.target, cv);
  let done = 0;
  const total = folds.length + 1;
  await ctx.progress({ stage: 'cross_validation', done, total });
  const { cvMetrics, fit } = await crossValidateAndFit(runner, spec, table, folds, {
    signal,
    onTaskDone: (stage) => ctx.progress({ stage, done: ++done, total }),
  });

  const metrics = Object.fromEntries(Object.entries(cvMetrics).map(([k, v]) => [k, v.mean]));
  const lineage: Lineage = {
    dataset: { id: String(datasetDoc._id), name: datasetDoc.name, version: datasetDoc.version, sha256: datasetDoc.sha256 },
    job_id: ctx.jobId,
    job_type: 'train',
    hyperparameters: job.model.hyperparameters,
    package_version: ctx.packageVersion,
  };
  const version = await registerVersion(db, {
    modelName: job.model_name,
    version: job.model.version,
    task,
    type: job.model.type,
    target: job.target,
    features: fit.featureSchema.map((f) => f.name),
    featureSchema: fit.featureSchema,
    classes: fit.classes,
    hyperparameters: job.model.hyperparameters,
    config: job.model,
    metrics,
    cvMetrics,
    model: fit.model,
    lineage,
    sourceJobId: ctx.jobId,
    monitoring: job.model.monitoring,
  });
  await saveReferenceProfile(db, version, fit.profile);
  await ctx.progress({ stage: 'registered', done: total, total });
  return resultOf(version.modelName, version.version, version.metrics, version.cvMetrics);
}

function resultOf(modelName: string, version: string, metrics: unknown, cvMetrics: unknown): TrainResult {
  return { model_name: modelName, version, metrics: metrics as TrainResult['metrics'], cv_metrics: cvMetrics as TrainResult['cv_metrics'] };
}
