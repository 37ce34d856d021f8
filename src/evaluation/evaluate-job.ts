import { UnrecoverableError } from 'bullmq';
import type { EvaluateJob, JobProgress } from '../../queues/job-schemas.js';
import { findColumn, type Table } from '../ml/data/table.js';
import { ArtifactCorruptedError } from '../registry/artifact-store.js';
import type { Database } from '../registry/database.js';
import { isDuplicateKey } from '../registry/database.js';
import { loadDatasetTable, resolveDataset } from '../registry/dataset-service.js';
import type { EvaluationDoc } from '../registry/evaluation.model.js';
import { loadModelArtifact, resolveVersion } from '../registry/model-registry.js';
import { shareTable } from '../training/share-table.js';
import type { TaskRunner } from '../training/task-runner.js';
import { AppError } from '../utils/app-error.js';
import type { EvaluateOutcome, EvaluatePayload, EvaluationReport } from './evaluate-model.js';
import { earlierBias } from './promotion.js';
import { carriedBias, checkGates, primaryMetricOf, type GateLimits, type GateReport } from './validation-gates.js';

/** What an evaluate job needs from its worker. */
export interface EvaluateContext {
  db: Database;
  runner: TaskRunner;
  jobId: string;
  limits: GateLimits;
  /** quantile bins of numeric slice columns (config evaluation.slice_bins) */
  sliceBins: number;
  signal?: AbortSignal;
  progress(p: JobProgress): Promise<void>;
}

/** The result of an evaluate job (also kept in the evaluations collection). */
export type EvaluateResult = Omit<EvaluationReport, 'primary_metric'> & {
  evaluation_id: string;
  model_name: string;
  version: string;
  dataset: { id: string; name: string; version: number; sha256: string };
  target: string;
  primary_metric: EvaluationReport['primary_metric'] & { threshold: number | null };
  gates: GateReport;
};

function resultOf(doc: EvaluationDoc & { _id: unknown }): EvaluateResult {
  const report = doc.report as EvaluateResult;
  return { ...report, evaluation_id: String(doc._id), gates: { ...report.gates, evaluation_id: String(doc._id) } };
}

/** Checks the columns an evaluation reads exist; a missing one fails the job for good. */
function checkColumns(table: Table, names: string[], dataset: string): void {
  const missing = [...new Set(names)].filter((n) => !findColumn(table, n));
  if (missing.length) {
    throw new UnrecoverableError(`column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} not in dataset '${dataset}' (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  }
}

/**
 * Scores a version on a dataset in a pool thread, checks the promotion gates
 * against the result, and records the evaluation. A retried job returns the
 * record its first attempt wrote.
 */
export async function runEvaluateJob(job: EvaluateJob, ctx: EvaluateContext): Promise<EvaluateResult> {
  const { db } = ctx;
  const done = await db.evaluations.findOne({ jobId: ctx.jobId }).lean<EvaluationDoc & { _id: unknown }>();
  if (done) return resultOf(done);

  const version = await resolveVersion(db, job.model_name, { version: job.version, alias: job.alias });
  const datasetDoc = await resolveDataset(db, job.dataset);
  const target = job.target ?? version.target;
  const total = 3;
  await ctx.progress({ stage: 'loading', done: 0, total, version: version.version });
  const table = await loadDatasetTable(db, datasetDoc);
  checkColumns(table, [target, ...(version.task === 'timeseries' ? [] : (version.features ?? [])), ...job.slices, ...job.sensitive_features], datasetDoc.name);
  let model: unknown;
  try {
    model = await loadModelArtifact(db, version);
  } catch (err) {
    if (err instanceof ArtifactCorruptedError) throw new AppError('conflict', `cannot evaluate version '${version.version}' of model '${version.modelName}': ${err.message}`);
    throw err;
  }
  const primary = primaryMetricOf(version.task, version.config);
  await ctx.progress({ stage: 'evaluating', done: 1, total, version: version.version });
  const payload: EvaluatePayload = {
    model,
    table: shareTable(table),
    target,
    slices: job.slices,
    sensitiveFeatures: job.sensitive_features,
    primaryMetric: primary.name,
    posLabel: job.pos_label,
    sliceBins: ctx.sliceBins,
  };
  const outcome = await ctx.runner.run<EvaluateOutcome>('evaluate', payload, { signal: ctx.signal });
  if (!outcome.ok) throw new AppError('validation_failed', outcome.error.message, { details: outcome.error.details });
  const report = outcome.report;

  const gates = checkGates({ id: null, primaryValue: report.primary_metric.value, bias: carriedBias(report.bias, await earlierBias(db, version.modelName, version.version)) }, primary, ctx.limits);
  const dataset = { id: String(datasetDoc._id), name: datasetDoc.name, version: datasetDoc.version, sha256: datasetDoc.sha256 };
  const result: Omit<EvaluateResult, 'evaluation_id'> = {
    model_name: version.modelName,
    version: version.version,
    dataset,
    target,
    ...report,
    primary_metric: { ...report.primary_metric, threshold: primary.threshold },
    gates,
  };
  await ctx.progress({ stage: 'recording', done: 2, total, version: version.version });
  try {
    await db.evaluations.create({
      jobId: ctx.jobId,
      modelName: version.modelName,
      version: version.version,
      dataset,
      target,
      task: report.task,
      rows: report.rows,
      metrics: report.metrics,
      primaryMetric: result.primary_metric,
      report: result,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const stored = (await db.evaluations.findOne({ jobId: ctx.jobId }).lean<EvaluationDoc & { _id: unknown }>())!;
  await ctx.progress({ stage: 'recorded', done: total, total, version: version.version });
  return resultOf(stored);
}
