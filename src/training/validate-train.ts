import { ParameterError } from '../ml/base/errors.js';
import { getModelType } from '../ml/model-types.js';
import { ModelPipeline } from '../ml/pipeline/model-pipeline.js';
import { pipelineSpec } from './train.js';
import type { TaskName, TrainJob } from '../../queues/job-schemas.js';
import type { Database } from '../registry/database.js';
import { resolveDataset } from '../registry/dataset-service.js';
import { AppError } from '../utils/app-error.js';

/**
 * Checks a train job against the registry before it is queued, so that bad
 * input is a 4xx now rather than a failed job later.
 */
export async function validateTrainJob(db: Database, job: TrainJob, defaultCvFolds: number): Promise<void> {
  const dataset = await resolveDataset(db, job.dataset);
  const names = dataset.columns.map((c) => c.name);
  for (const [what, name] of [['target', job.target], ...(job.features ?? []).map((f) => ['feature', f])] as const) {
    if (!names.includes(name)) {
      throw new AppError('validation_failed', `${what} column '${name}' is not in dataset '${dataset.name}' (columns: ${names.join(', ')})`);
    }
  }
  if (job.features?.includes(job.target)) {
    throw new AppError('validation_failed', `the target column '${job.target}' cannot also be a feature`);
  }
  const folds = job.cv?.folds ?? defaultCvFolds;
  if (dataset.rowCount < folds) {
    throw new AppError('validation_failed', `dataset '${dataset.name}' has ${dataset.rowCount} rows, fewer than the ${folds} cross-validation folds`);
  }
  // Without a task the worker infers it from the data; here the spec must be
  // valid for at least one task the target column allows.
  let candidates: TaskName[];
  try {
    const textTarget = dataset.columns.find((c) => c.name === job.target)?.type === 'string';
    candidates = job.task ? [job.task] : getModelType(job.model.type).tasks.filter((t) => !textTarget || t === 'classification');
  } catch (err) {
    if (err instanceof ParameterError) throw new AppError('validation_failed', err.message, { details: { parameter: err.parameter } });
    throw err;
  }
  let firstError: ParameterError | undefined;
  for (const task of candidates.length ? candidates : [job.task ?? 'classification']) {
    try {
      new ModelPipeline(pipelineSpec(job, task));
      firstError = undefined;
      break;
    } catch (err) {
      if (!(err instanceof ParameterError)) throw err;
      firstError ??= err;
    }
  }
  if (firstError) throw new AppError('validation_failed', firstError.message, { details: { parameter: firstError.parameter } });
  if (job.model.version && (await db.modelVersions.exists({ modelName: job.model_name, version: job.model.version }))) {
    throw new AppError('conflict', `version '${job.model.version}' of model '${job.model_name}' already exists; bump model.version or leave it out`);
  }
}
