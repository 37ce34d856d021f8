import { ParameterError } from './base/errors.js';
import type { Estimator, EstimatorJSON, Forecaster, Task } from './base/estimator.js';
import type { Params } from './base/params.js';
import { neuralModelTypes } from './neural/model-types.js';
import { timeseriesModelTypes } from './timeseries/model-types.js';
import { linearModelTypes } from './linear/model-types.js';
import { ensembleModelTypes } from './ensemble/model-types.js';
import { treeModelTypes } from './tree/model-types.js';

/**
 * How to build and restore one model.type. `create` validates the
 * hyperparameters (throwing ParameterError) and returns an unfitted estimator.
 */
export interface ModelType {
  /** tasks this type supports */
  tasks: readonly (Task | 'timeseries')[];
  create(params: Params, task: Task | 'timeseries'): Estimator | Forecaster;
  fromJSON(json: EstimatorJSON): Estimator | Forecaster;
  /** true when features should be standardised before fit (linear and neural models) */
  wantsScaling?: boolean;
  /** true when the estimator handles NaN itself (no imputation needed) */
  handlesMissing?: boolean;
  /** boosting rounds a fit with these hyperparameters runs, for types whose fit can run in pieces (FitOptions.rounds) */
  rounds?(params: Params): number;
}

/** Every model.type by name. Aliases point at the same entry. Filled in by each estimator family. */
export const MODEL_TYPES: Record<string, ModelType> = {
  ...neuralModelTypes,
  ...timeseriesModelTypes,
  ...linearModelTypes,
  ...ensembleModelTypes,
  ...treeModelTypes,
};

/** The types on the wire, aliases resolved: `xgboost` is `gradient_boosting`. */
export const TYPE_ALIASES: Record<string, string> = { xgboost: 'gradient_boosting' };

export function resolveType(type: string): string {
  return TYPE_ALIASES[type] ?? type;
}

export function getModelType(type: string): ModelType {
  const entry = MODEL_TYPES[resolveType(type)];
  if (!entry) {
    throw new ParameterError(
      `Unknown model type '${type}'. Known types: ${[...Object.keys(MODEL_TYPES), ...Object.keys(TYPE_ALIASES)].sort().join(', ')}.`,
      'type',
    );
  }
  return entry;
}

export function createEstimator(type: string, params: Params, task: Task | 'timeseries'): Estimator | Forecaster {
  const entry = getModelType(type);
  if (!entry.tasks.includes(task)) {
    throw new ParameterError(`Model type '${type}' does not support task '${task}'. It supports: ${entry.tasks.join(', ')}.`, 'task');
  }
  return entry.create(params, task);
}

export function estimatorFromJSON(json: EstimatorJSON): Estimator | Forecaster {
  if (json?.format !== 'trainyard.estimator' || json.formatVersion !== 1) {
    throw new ParameterError(`Not a trainyard estimator (format ${String(json?.format)} v${String(json?.formatVersion)})`);
  }
  return getModelType(json.type).fromJSON(json);
}
