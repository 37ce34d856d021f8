import { ParameterError } from './errors.js';

/**
 * Hyperparameters are plain JSON keyed by their scikit-learn / xgboost names
 * (snake_case, as on the wire): `{ n_estimators: 100, max_depth: 6 }`.
 */
export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };
export type Params = Record<string, ParamValue>;

type Kind = 'int' | 'float';

interface NumberRule {
  kind: Kind;
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound */
  gt?: number;
  /** inclusive upper bound */
  max?: number;
  /** exclusive upper bound */
  lt?: number;
  nullable?: boolean;
}

function describe(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  if (rule.lt !== undefined) parts.push(`< ${rule.lt}`);
  const noun = rule.kind === 'int' ? 'an int' : 'a float';
  return `${noun}${parts.length ? ' ' + parts.join(' and ') : ''}${rule.nullable ? ' or null' : ''}`;
}

function fail(estimator: string, name: string, expected: string, got: unknown): never {
  throw new ParameterError(
    `The '${name}' parameter of ${estimator} must be ${expected}. Got ${JSON.stringify(got)} instead.`,
    name,
  );
}

/** Validates a numeric hyperparameter; error text follows scikit-learn. */
export function checkNumber(estimator: string, name: string, value: unknown, rule: NumberRule): number {
  if (value === null && rule.nullable) return value as unknown as number;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.kind === 'float' || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.gt === undefined || value > rule.gt) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.lt === undefined || value < rule.lt);
  if (!ok) fail(estimator, name, describe(rule), value);
  return value as number;
}

/** Validates a string hyperparameter against its allowed values. */
export function checkChoice<T extends string>(estimator: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    fail(estimator, name, `a str among {${choices.map((c) => `'${c}'`).join(', ')}}`, value);
  }
  return value as T;
}

export function checkBoolean(estimator: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(estimator, name, 'a bool', value);
  return value as boolean;
}

/** Rejects parameter names the estimator does not know. */
export function checkKnownParams(estimator: string, params: Params, known: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      throw new ParameterError(
        `Unknown parameter '${key}' for ${estimator}. Valid parameters are: ${[...known].sort().join(', ')}.`,
        key,
      );
    }
  }
}

/** Merges user params over defaults after rejecting unknown names. */
export function withDefaults<P extends Params>(estimator: string, defaults: P, params: Params = {}): P {
  checkKnownParams(estimator, params, Object.keys(defaults));
  const merged: Params = { ...defaults };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) merged[k] = v;
  return merged as P;
}
