import { ParameterError } from '../base/errors.js';
import type { Params } from '../base/params.js';

/**
 * Readers for the `state` of a saved linear model. Saved JSON comes from
 * storage, so every field is checked for type, length and finiteness before
 * it reaches a Float64Array.
 */

export type StateObject = Record<string, unknown>;

export function readState(estimator: string, state: unknown): StateObject {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new ParameterError(`${estimator}.fromJSON: state must be an object`);
  }
  return state as StateObject;
}

export function readFiniteArray(estimator: string, state: StateObject, key: string, length?: number): Float64Array {
  const value = state[key];
  if (!Array.isArray(value)) throw new ParameterError(`${estimator}.fromJSON: state.${key} must be an array of numbers`);
  if (length !== undefined && value.length !== length) {
    throw new ParameterError(`${estimator}.fromJSON: state.${key} has ${value.length} values, expected ${length}`);
  }
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ParameterError(`${estimator}.fromJSON: state.${key}[${i}] must be a finite number`);
    }
    out[i] = v;
  }
  return out;
}

export function readFiniteNumber(estimator: string, state: StateObject, key: string): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ParameterError(`${estimator}.fromJSON: state.${key} must be a finite number`);
  return v;
}

export function readInt(estimator: string, state: StateObject, key: string, min: number, max: number): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ParameterError(`${estimator}.fromJSON: state.${key} must be an int in [${min}, ${max}]`);
  }
  return v;
}

export function readBoolean(estimator: string, state: StateObject, key: string): boolean {
  const v = state[key];
  if (typeof v !== 'boolean') throw new ParameterError(`${estimator}.fromJSON: state.${key} must be a boolean`);
  return v;
}

/** Sorted, distinct, finite class labels (at least two). */
export function readClasses(estimator: string, state: StateObject): Float64Array {
  const classes = readFiniteArray(estimator, state, 'classes');
  if (classes.length < 2) throw new ParameterError(`${estimator}.fromJSON: state.classes needs at least 2 labels`);
  for (let i = 1; i < classes.length; i++) {
    if (!(classes[i] > classes[i - 1])) throw new ParameterError(`${estimator}.fromJSON: state.classes must be sorted and distinct`);
  }
  return classes;
}

/** Checks the saved envelope names the expected model type. */
export function checkEnvelope(estimator: string, json: { format?: unknown; formatVersion?: unknown; type?: unknown }, type: string): void {
  if (json?.format !== 'trainyard.estimator' || json.formatVersion !== 1) {
    throw new ParameterError(`${estimator}.fromJSON: not a trainyard estimator (format ${String(json?.format)} v${String(json?.formatVersion)})`);
  }
  if (json.type !== type) throw new ParameterError(`${estimator}.fromJSON: expected type '${type}', got '${String(json.type)}'`);
}

/** The saved hyperparameters, as a plain object for the constructor to validate. */
export function readParams(estimator: string, params: unknown): Params {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ParameterError(`${estimator}.fromJSON: params must be an object`);
  }
  return params as Params;
}
