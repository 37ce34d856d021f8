import { ParameterError } from '../base/errors.js';
import type { Estimator, EstimatorJSON, FitOptions, Task } from '../base/estimator.js';
import type { Params, ParamValue } from '../base/params.js';
// A cycle (model-types → ensemble/model-types → here → model-types) that is
// safe because these bindings are only read inside functions, at run time.
import { createEstimator, estimatorFromJSON, resolveType } from '../model-types.js';

/**
 * One member on the wire: `{type, hyperparameters?}`, as in a model config.
 * `type` is any registered model.type (aliases allowed).
 */
export interface MemberSpec {
  type: string;
  hyperparameters?: Params;
}

function isPlainObject(v: unknown): v is Record<string, ParamValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates one `{type, hyperparameters?}` and builds the unfitted estimator for `task`. */
export function buildMember(estimator: string, parameter: string, spec: unknown, task: Task): Estimator {
  const bad = (why: string): never => {
    throw new ParameterError(`The '${parameter}' parameter of ${estimator} ${why}. Got ${JSON.stringify(spec)} instead.`, parameter);
  };
  if (!isPlainObject(spec)) bad('must be an object {type, hyperparameters?}');
  const entry = spec as Record<string, ParamValue>;
  for (const key of Object.keys(entry)) {
    if (key !== 'type' && key !== 'hyperparameters') bad(`has an unknown key '${key}' (expected type, hyperparameters)`);
  }
  if (typeof entry.type !== 'string' || entry.type === '') bad('needs a string type');
  const hyperparameters = entry.hyperparameters ?? {};
  if (!isPlainObject(hyperparameters)) bad('needs hyperparameters to be an object');
  let built;
  try {
    built = createEstimator(entry.type as string, hyperparameters as Params, task);
  } catch (err) {
    if (err instanceof ParameterError) {
      throw new ParameterError(`The '${parameter}' parameter of ${estimator}: ${err.message}`, parameter);
    }
    throw err;
  }
  if (built.task !== task) bad(`needs a ${task} model, and '${String(entry.type)}' is not one`);
  return built as Estimator;
}

/** Validates the `estimators` list (non-empty) and builds its members. */
export function buildMembers(estimator: string, specs: unknown, task: Task): Estimator[] {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new ParameterError(
      `The 'estimators' parameter of ${estimator} must be a non-empty list of {type, hyperparameters?}. Got ${JSON.stringify(specs)} instead.`,
      'estimators',
    );
  }
  return specs.map((spec, i) => buildMember(estimator, `estimators[${i}]`, spec, task));
}

/** Validates optional per-member weights (null, or one finite weight >= 0 per member, not all zero). */
export function checkWeights(estimator: string, weights: unknown, members: number): Float64Array | null {
  if (weights === null) return null;
  const ok =
    Array.isArray(weights) &&
    weights.length === members &&
    weights.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) &&
    weights.some((w) => (w as number) > 0);
  if (!ok) {
    throw new ParameterError(
      `The 'weights' parameter of ${estimator} must be null or a list of ${members} numbers >= 0, not all 0 (one per estimator). Got ${JSON.stringify(weights)} instead.`,
      'weights',
    );
  }
  return Float64Array.from(weights as number[]);
}

/** Options for a member's fit: everything but progress, which the ensemble reports itself. */
export function memberFitOptions(options: FitOptions): FitOptions {
  const { signal, validation, earlyStoppingRounds } = options;
  return { signal, validation, earlyStoppingRounds };
}

/** Restores a saved member and checks it is the model the spec names, for the right task. */
export function restoreMember(estimator: string, json: unknown, spec: Estimator, where: string): Estimator {
  if (!isPlainObject(json)) throw new ParameterError(`${estimator}.fromJSON: ${where} must be a saved estimator`);
  const restored = estimatorFromJSON(json as unknown as EstimatorJSON);
  if (restored.task !== spec.task || resolveType(restored.type) !== resolveType(spec.type)) {
    throw new ParameterError(`${estimator}.fromJSON: ${where} is a ${restored.task} '${restored.type}', expected a ${spec.task} '${spec.type}'`);
  }
  return restored as Estimator;
}

/** Deep copy of JSON params so callers cannot mutate an estimator's settings. */
export function copyParams<P extends Params>(params: P): P {
  return JSON.parse(JSON.stringify(params)) as P;
}
