import type { EvaluateJob } from '../../queues/job-schemas.js';
import type { Database } from '../registry/database.js';
import { resolveDataset } from '../registry/dataset-service.js';
import { resolveVersion } from '../registry/model-registry.js';
import { AppError } from '../utils/app-error.js';

/**
 * Checks an evaluate job before it is queued: the model, version or alias
 * and the dataset exist (404 otherwise), and the dataset has the target, the
 * model's features and every slice and sensitive column (400).
 */
export async function validateEvaluateJob(db: Database, job: EvaluateJob): Promise<void> {
  const version = await resolveVersion(db, job.model_name, { version: job.version, alias: job.alias });
  const dataset = await resolveDataset(db, job.dataset);
  const names = new Set(dataset.columns.map((c) => c.name));
  const wanted: Array<[string, string]> = [
    ['target', job.target ?? version.target],
    ...(version.task === 'timeseries' ? [] : (version.features ?? []).map((f): [string, string] => ['feature', f])),
    ...job.slices.map((s): [string, string] => ['slice', s]),
    ...job.sensitive_features.map((s): [string, string] => ['sensitive feature', s]),
  ];
  const missing = wanted.filter(([, n]) => !names.has(n));
  if (missing.length) {
    throw new AppError('validation_failed', `dataset '${dataset.name}' lacks ${missing.map(([what, n]) => `${what} column '${n}'`).join(', ')} (columns: ${[...names].join(', ')})`, {
      details: { missing: missing.map(([what, name]) => ({ what, name })) },
    });
  }
  if (job.sensitive_features.length && version.task !== 'classification') {
    throw new AppError('validation_failed', `sensitive_features needs a classification model; '${job.model_name}' version '${version.version}' is ${version.task}`);
  }
  if (version.task === 'timeseries' && job.slices.length) {
    throw new AppError('validation_failed', 'slices are for classification and regression models; a time-series evaluation scores the forecast as a whole');
  }
}
