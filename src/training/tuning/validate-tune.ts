import type { TuneJob } from '../../../queues/job-schemas.js';
import { ParameterError } from '../../ml/base/errors.js';
import { defaultMetrics, getMetric } from '../../ml/metrics/registry.js';
import { createEstimator, getModelType } from '../../ml/model-types.js';
import type { Database } from '../../registry/database.js';
import { AppError } from '../../utils/app-error.js';
import { validateTrainJob } from '../validate-train.js';
import { GridSampler } from './samplers/grid-sampler.js';
import { probeValues } from './search-space.js';

function refuse(message: string, parameter?: string): never {
  throw new AppError('validation_failed', message, { details: parameter ? { parameter } : undefined });
}

/**
 * Checks a tune job before it is queued: what a train job checks (dataset,
 * columns, folds, model type and fixed hyperparameters), then every search
 * space parameter against the model type - each is tried at its extremes
 * (every choice for a categorical) by building the estimator, so an unknown
 * parameter or an out-of-range bound is a 400 naming it - then the metric
 * and, for a grid, its size.
 */
export async function validateTuneJob(db: Database, job: TuneJob, defaultCvFolds: number): Promise<void> {
  await validateTrainJob(
    db,
    { type: 'train', model_name: job.model_name, dataset: job.dataset, target: job.target, features: job.features, task: job.task, model: job.model, cv: job.cv },
    defaultCvFolds,
  );
  const tasks = getModelType(job.model.type).tasks;
  const task = job.task ?? tasks[0];
  const base = job.model.hyperparameters as Record<string, never>;
  for (const [name, dist] of Object.entries(job.search_space)) {
    for (const value of probeValues(dist)) {
      try {
        createEstimator(job.model.type, { ...base, [name]: value }, task);
      } catch (err) {
        if (err instanceof ParameterError) refuse(`search_space.${name}: ${err.message}`, name);
        throw err;
      }
    }
  }
  if (job.metric !== undefined) {
    let spec;
    try {
      spec = getMetric(job.metric);
    } catch (err) {
      if (err instanceof ParameterError) refuse(err.message, 'metric');
      throw err;
    }
    const candidates = job.task ? [job.task] : tasks;
    if (!candidates.some((t) => defaultMetrics(t, true, true).includes(spec.name))) {
      refuse(`metric '${job.metric}' is not one cross-validation computes for ${job.task ? `a ${job.task} task` : `model type '${job.model.type}'`}; use one of: ${[...new Set(candidates.flatMap((t) => defaultMetrics(t, true, true)))].join(', ')}`, 'metric');
    }
  }
  if (job.sampler.type === 'grid') {
    let size: number;
    try {
      size = GridSampler.size(job.search_space);
    } catch (err) {
      if (err instanceof ParameterError) refuse(`search_space.${err.parameter}: ${err.message}`, err.parameter);
      throw err;
    }
    if (job.n_trials !== undefined && job.n_trials > size) {
      refuse(`n_trials (${job.n_trials}) is more than the ${size} points of the grid; leave n_trials out to try each point once`, 'n_trials');
    }
  }
}
