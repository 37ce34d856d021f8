import { availableParallelism } from 'node:os';
import { ParameterError } from '../base/errors.js';
import { checkNumber } from '../base/params.js';

/** n_jobs: a positive thread count, or -1 for one per CPU (scikit-learn's convention). */
export function checkJobs(estimator: string, value: unknown): number {
  if (value === -1) return -1;
  return checkNumber(estimator, 'n_jobs', value, { kind: 'int', min: 1 });
}

/** The thread count n_jobs asks for on this machine. */
export function resolveJobs(nJobs: number): number {
  return nJobs === -1 ? Math.max(1, availableParallelism()) : nJobs;
}

export type MaxFeatures = 'sqrt' | 'log2' | number | null;

/**
 * max_features: 'sqrt', 'log2', an int >= 1, a fraction in (0, 1), or null
 * (all features). JSON cannot tell 1.0 from 1, so 1 means one feature.
 */
export function checkMaxFeatures(estimator: string, value: unknown): MaxFeatures {
  if (value === null || value === 'sqrt' || value === 'log2') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1) return value;
  throw new ParameterError(
    `The 'max_features' parameter of ${estimator} must be an int >= 1, a float in (0.0, 1.0), a str among {'sqrt', 'log2'} or None. Got ${JSON.stringify(value)} instead.`,
    'max_features',
  );
}

/** How many features each split looks at (scikit-learn's rules). */
export function featuresPerSplit(maxFeatures: MaxFeatures, nFeatures: number): number {
  let k: number;
  if (maxFeatures === null) k = nFeatures;
  else if (maxFeatures === 'sqrt') k = Math.floor(Math.sqrt(nFeatures));
  else if (maxFeatures === 'log2') k = Math.floor(Math.log2(nFeatures));
  else if (Number.isInteger(maxFeatures)) k = maxFeatures;
  else k = Math.floor(maxFeatures * nFeatures);
  return Math.min(nFeatures, Math.max(1, k));
}
