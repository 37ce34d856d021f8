import type { Config } from '../../config/index.js';
import type { JobType } from '../../queues/job-schemas.js';
import { gridSize } from '../training/tuning/search-space.js';
import { AppError } from '../utils/app-error.js';

export type JobLimits = Config['limits'];

/** What besides the limits a check needs to know. */
export interface LimitContext {
  /** threads of a worker's pool: `n_jobs` may not ask for more (worker.poolThreads) */
  poolThreads: number;
}

/** A hyperparameter whose value is capped by a limits key, wherever it appears (ensemble members included). */
const PARAM_CAPS: Record<string, keyof JobLimits> = {
  n_estimators: 'maxTrees',
  max_depth: 'maxDepth',
  epochs: 'maxEpochs',
  units: 'maxUnits',
  lags: 'maxLags',
  max_iter: 'maxIterations',
};
const LAYER_PARAMS = new Set(['hidden_layer_sizes', 'layers']);

/** `key` is the config key in its README spelling (snake_case). */
function exceeded(path: string, value: unknown, limit: number, key: string, hint = ''): AppError {
  return new AppError('limit_exceeded', `${path} is ${JSON.stringify(value)}; the limit is ${limit} (${key})${hint}`, {
    details: [{ path, value, limit, key }],
  });
}

function limitKey(key: keyof JobLimits): string {
  return `limits.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one value of a capped hyperparameter. */
function checkParam(name: string, value: unknown, path: string, limits: JobLimits, ctx: LimitContext): void {
  const capKey = PARAM_CAPS[name];
  if (capKey && typeof value === 'number' && value > (limits[capKey] as number)) throw exceeded(path, value, limits[capKey] as number, limitKey(capKey));
  if (name === 'n_jobs' && typeof value === 'number' && value > ctx.poolThreads) {
    throw exceeded(path, value, ctx.poolThreads, 'worker.pool_threads', ': a fit may use at most the threads of a worker');
  }
  if (LAYER_PARAMS.has(name) && Array.isArray(value)) {
    if (value.length > limits.maxLayers) throw exceeded(`${path}.length`, value.length, limits.maxLayers, limitKey('maxLayers'));
    value.forEach((w, i) => {
      if (typeof w === 'number' && w > limits.maxLayerWidth) throw exceeded(`${path}[${i}]`, w, limits.maxLayerWidth, limitKey('maxLayerWidth'));
    });
  }
  if (name === 'estimators' && Array.isArray(value) && value.length > limits.maxEnsembleMembers) {
    throw exceeded(`${path}.length`, value.length, limits.maxEnsembleMembers, limitKey('maxEnsembleMembers'));
  }
}

/** Walks hyperparameters (and nested member specs) applying every cap; depth is already bounded by the request parser. */
function checkHyperparameters(params: unknown, path: string, limits: JobLimits, ctx: LimitContext, depth = 0): void {
  if (depth > 8) return;
  if (Array.isArray(params)) {
    params.forEach((v, i) => checkHyperparameters(v, `${path}[${i}]`, limits, ctx, depth + 1));
    return;
  }
  if (!isObject(params)) return;
  for (const [name, value] of Object.entries(params)) {
    const at = `${path}.${name}`;
    checkParam(name, value, at, limits, ctx);
    if (typeof value === 'object' && value !== null) checkHyperparameters(value, at, limits, ctx, depth + 1);
  }
}

/** The largest value a search-space distribution can give a capped parameter. */
function checkDistribution(name: string, d: Record<string, unknown>, path: string, limits: JobLimits, ctx: LimitContext): void {
  if (d.type === 'categorical' && Array.isArray(d.choices)) {
    d.choices.forEach((c, i) => checkParam(name, c, `${path}.choices[${i}]`, limits, ctx));
  } else checkParam(name, d.high, `${path}.high`, limits, ctx);
}

/**
 * The cost limits of a parsed job spec, checked once at submit: every capped
 * hyperparameter of the model (members of ensembles too) and of a tune
 * job's search space, the number of trials, and the size of a grid (counted
 * arithmetically, never enumerated). Throws `limit_exceeded` (400) naming the
 * parameter's path, its value, the limit and its config key.
 */
export function checkJobLimits(type: JobType, spec: unknown, limits: JobLimits, ctx: LimitContext): void {
  if (!isObject(spec)) return;
  if (isObject(spec.model)) checkHyperparameters(spec.model.hyperparameters, 'model.hyperparameters', limits, ctx);
  if (type !== 'tune') return;
  const space = isObject(spec.search_space) ? spec.search_space : {};
  for (const [name, d] of Object.entries(space)) if (isObject(d)) checkDistribution(name, d, `search_space.${name}`, limits, ctx);
  if (typeof spec.n_trials === 'number' && spec.n_trials > limits.maxTrials) throw exceeded('n_trials', spec.n_trials, limits.maxTrials, limitKey('maxTrials'));
  const sampler = isObject(spec.sampler) ? spec.sampler.type : spec.sampler;
  if (sampler === 'grid' && spec.n_trials === undefined) {
    const size = gridSize(space as never);
    if (size !== null && size > limits.maxGridSize) {
      throw exceeded('search_space (grid points)', size, limits.maxGridSize, limitKey('maxGridSize'), '; give n_trials to run that many grid points, or coarsen the steps');
    }
  }
}
