import { DataError } from '../base/errors.js';
import { categoricalProfile, type CategoricalProfile, type CategoryValue } from './categorical-profile.js';
import { DEFAULT_SAMPLE_SIZE, numericProfile, type NumericProfile } from './numeric-profile.js';

/** One feature's reference profile, named. */
export type FeatureProfile = ({ feature: string } & NumericProfile) | ({ feature: string } & CategoricalProfile);

/** Reference profiles of a model's input features, stored with the model version. */
export interface DriftProfile {
  format: 'trainyard.drift-profile';
  format_version: 1;
  features: FeatureProfile[];
}

/** Columns by feature name: numbers (NaN = missing) profile as numeric, anything else as categorical. */
export type DriftColumns = Record<string, ArrayLike<number> | ArrayLike<CategoryValue>>;

/** Options of {@link buildDriftProfile}. */
export interface DriftProfileOptions {
  /** @defaultValue 10 */
  bins?: number;
  /** @defaultValue 10000 */
  sampleSize?: number;
  /** @defaultValue 0 */
  seed?: number;
  /** @defaultValue 100 */
  maxCategories?: number;
  /**
   * Features profiled as categorical even though their column holds numbers (codes).
   * @defaultValue []
   */
  categorical?: string[];
}

/** True for a Float64Array/Float32Array/... or a plain array of numbers only. */
export function isNumericColumn(column: ArrayLike<unknown>): column is ArrayLike<number> {
  if (ArrayBuffer.isView(column)) return true;
  for (let i = 0; i < column.length; i++) if (typeof column[i] !== 'number') return false;
  return true;
}

/** Profiles every column of a reference dataset (usually the training data). */
export function buildDriftProfile(columns: DriftColumns, options: DriftProfileOptions = {}): DriftProfile {
  const categorical = new Set(options.categorical ?? []);
  for (const name of categorical) {
    if (!(name in columns)) throw new DataError(`buildDriftProfile: categorical feature '${name}' is not among the columns`);
  }
  const features: FeatureProfile[] = [];
  for (const [feature, column] of Object.entries(columns)) {
    if (!categorical.has(feature) && isNumericColumn(column)) {
      features.push({ feature, ...numericProfile(column, { bins: options.bins, sampleSize: options.sampleSize ?? DEFAULT_SAMPLE_SIZE, seed: options.seed }) });
    } else {
      features.push({ feature, ...categoricalProfile(column as ArrayLike<CategoryValue>, { maxCategories: options.maxCategories }) });
    }
  }
  return { format: 'trainyard.drift-profile', format_version: 1, features };
}

function fail(path: string, expected: string): never {
  throw new DataError(`invalid drift profile: ${path} must be ${expected}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(o: Record<string, unknown>, key: string, path: string, nullable = false): number | null {
  const v = o[key];
  if (nullable && v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${key}`, nullable ? 'a finite number or null' : 'a finite number');
  return v;
}

function count(o: Record<string, unknown>, key: string, path: string): number {
  const v = num(o, key, path)!;
  if (!Number.isInteger(v) || v < 0) fail(`${path}.${key}`, 'a non-negative integer');
  return v;
}

function numbers(o: Record<string, unknown>, key: string, path: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) fail(`${path}.${key}`, 'an array of finite numbers');
  return v as number[];
}

function ascending(xs: number[], strict: boolean): boolean {
  for (let i = 1; i < xs.length; i++) if (strict ? !(xs[i] > xs[i - 1]) : !(xs[i] >= xs[i - 1])) return false;
  return true;
}

function parseNumeric(o: Record<string, unknown>, feature: string, path: string): FeatureProfile {
  const c = count(o, 'count', path);
  const missingCount = count(o, 'missing_count', path);
  if (missingCount > c) fail(`${path}.missing_count`, 'at most count');
  const edges = numbers(o, 'bin_edges', path);
  if (!ascending(edges, true)) fail(`${path}.bin_edges`, 'strictly ascending');
  const fractions = numbers(o, 'bin_fractions', path);
  if (fractions.length !== edges.length + 1) fail(`${path}.bin_fractions`, `${edges.length + 1} fractions (one more than bin_edges)`);
  if (fractions.some((f) => f < 0 || f > 1)) fail(`${path}.bin_fractions`, 'fractions in [0, 1]');
  const sample = numbers(o, 'sample', path);
  if (!ascending(sample, false)) fail(`${path}.sample`, 'ascending');
  if (typeof o.sample_exact !== 'boolean') fail(`${path}.sample_exact`, 'a boolean');
  const s = o.summary;
  if (!isObject(s)) fail(`${path}.summary`, 'an object');
  const summary = {
    mean: num(s, 'mean', `${path}.summary`, true),
    std: num(s, 'std', `${path}.summary`, true),
    min: num(s, 'min', `${path}.summary`, true),
    max: num(s, 'max', `${path}.summary`, true),
    p05: num(s, 'p05', `${path}.summary`, true),
    p25: num(s, 'p25', `${path}.summary`, true),
    p50: num(s, 'p50', `${path}.summary`, true),
    p75: num(s, 'p75', `${path}.summary`, true),
    p95: num(s, 'p95', `${path}.summary`, true),
  };
  return {
    feature,
    kind: 'numeric',
    count: c,
    missing_count: missingCount,
    missing_fraction: num(o, 'missing_fraction', path)!,
    bins: count(o, 'bins', path),
    bin_edges: edges,
    bin_fractions: fractions,
    summary,
    sample,
    sample_exact: o.sample_exact,
    sample_seed: count(o, 'sample_seed', path),
  };
}

function parseCategorical(o: Record<string, unknown>, feature: string, path: string): FeatureProfile {
  const cats = o.categories;
  if (!Array.isArray(cats) || !cats.every((x) => typeof x === 'string')) fail(`${path}.categories`, 'an array of strings');
  if (new Set(cats).size !== cats.length) fail(`${path}.categories`, 'distinct');
  const counts = numbers(o, 'counts', path);
  const fractions = numbers(o, 'fractions', path);
  if (counts.length !== cats.length || fractions.length !== cats.length) fail(`${path}.counts and .fractions`, 'as long as categories');
  if (counts.some((x) => !Number.isInteger(x) || x < 0)) fail(`${path}.counts`, 'non-negative integers');
  const c = count(o, 'count', path);
  const missingCount = count(o, 'missing_count', path);
  const other = count(o, 'other_count', path);
  if (counts.reduce((a, b) => a + b, 0) + other + missingCount !== c) fail(`${path}.count`, 'the sum of counts, other_count and missing_count');
  return {
    feature,
    kind: 'categorical',
    count: c,
    missing_count: missingCount,
    missing_fraction: num(o, 'missing_fraction', path)!,
    categories: cats as string[],
    counts,
    fractions,
    other_count: other,
    distinct_count: count(o, 'distinct_count', path),
  };
}

/** Validates a stored drift profile (for example read back from MongoDB) and returns a clean copy. */
export function parseDriftProfile(json: unknown): DriftProfile {
  if (!isObject(json)) fail('the profile', 'an object');
  if (json.format !== 'trainyard.drift-profile') fail('format', "'trainyard.drift-profile'");
  if (json.format_version !== 1) fail('format_version', '1');
  if (!Array.isArray(json.features)) fail('features', 'an array');
  const seen = new Set<string>();
  const features = json.features.map((f: unknown, i: number): FeatureProfile => {
    const path = `features[${i}]`;
    if (!isObject(f)) fail(path, 'an object');
    if (typeof f.feature !== 'string') fail(`${path}.feature`, 'a string');
    if (seen.has(f.feature)) fail(`${path}.feature`, `unique ('${f.feature}' repeats)`);
    seen.add(f.feature);
    if (f.kind === 'numeric') return parseNumeric(f, f.feature, path);
    if (f.kind === 'categorical') return parseCategorical(f, f.feature, path);
    return fail(`${path}.kind`, "'numeric' or 'categorical'");
  });
  return { format: 'trainyard.drift-profile', format_version: 1, features };
}
