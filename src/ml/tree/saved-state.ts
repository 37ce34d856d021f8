import { DataError } from '../base/errors.js';
import type { EstimatorJSON } from '../base/estimator.js';
import type { Params } from '../base/params.js';

/** Checks the envelope of a saved tree model and returns its params and state object. */
export function readEnvelope(json: EstimatorJSON, type: string): { params: Params; state: Record<string, unknown> } {
  if (json?.format !== 'trainyard.estimator' || json.formatVersion !== 1) {
    throw new DataError(`Not a trainyard estimator (format ${String(json?.format)} v${String(json?.formatVersion)})`);
  }
  if (json.type !== type) throw new DataError(`Expected a saved '${type}' model, got '${String(json.type)}'`);
  if (typeof json.params !== 'object' || json.params === null || Array.isArray(json.params)) {
    throw new DataError(`invalid ${type} model: params must be an object`);
  }
  if (typeof json.state !== 'object' || json.state === null) throw new DataError(`invalid ${type} model: missing state`);
  return { params: json.params, state: json.state as Record<string, unknown> };
}

export function readInt(state: Record<string, unknown>, key: string, min: number): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new DataError(`invalid tree model: '${key}' must be an int >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function readFloats(state: Record<string, unknown>, key: string, length?: number): Float64Array {
  const v = state[key];
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
    throw new DataError(`invalid tree model: '${key}' must be an array${length !== undefined ? ` of ${length} numbers` : ''}`);
  }
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new DataError(`invalid tree model: '${key}' holds ${JSON.stringify(x)}`);
  }
  return Float64Array.from(v as number[]);
}

/** Reads sorted, distinct class labels. */
export function readClasses(state: Record<string, unknown>): Float64Array {
  const classes = readFloats(state, 'classes');
  if (classes.length < 2) throw new DataError('invalid tree model: a classifier needs at least 2 classes');
  for (let k = 1; k < classes.length; k++) {
    if (!(classes[k] > classes[k - 1])) throw new DataError('invalid tree model: classes must be sorted and distinct');
  }
  return classes;
}
