import { DataError } from '../base/errors.js';
import { createMatrix, type Matrix } from '../base/matrix.js';
import { parseNumber, preview } from '../data/coerce.js';
import { getColumn, type Column, type ColumnSpec, type Table } from '../data/table.js';

/** How the preprocessor treats each kind of column; derived from the spec and the model type. */
export interface PreprocessorOptions {
  /** text columns: one input per category, or one input holding the category's rank */
  encoding: 'onehot' | 'ordinal';
  /** missing text: a category of its own, or the most frequent training category */
  categoricalMissing: 'indicator' | 'most_frequent';
  /** at most this many categories per text column (the most frequent) */
  maxCategories: number;
  /** keep NaN for estimators that handle missing values, instead of imputing */
  keepMissing: boolean;
  /** standardise numeric inputs (and ordinal codes) for estimators that want scaling */
  scale: boolean;
}

/** Fitted state of a numeric feature: `x -> ((isNaN(x) ? fill : x) - center) / scale`. */
export interface NumericFeatureState {
  name: string;
  kind: 'number';
  /** median of the training values; null keeps NaN (estimators that handle missing values) */
  fill: number | null;
  center: number;
  scale: number;
}

/** Fitted state of a text feature. */
export interface CategoricalFeatureState {
  name: string;
  kind: 'string';
  encoding: 'onehot' | 'ordinal';
  /** known categories in sorted order (code = position) */
  categories: string[];
  /**
   * A missing value is: `'category'` - a category of its own, after the known
   * ones (`name=<missing>`, or ordinal code `categories.length`); `'fill'` -
   * replaced by `fill`; `'unknown'` - treated like an unseen category.
   */
  missing: 'category' | 'fill' | 'unknown';
  fill: string | null;
  /** ordinal code of an unseen category: -1, or null for NaN */
  unknownCode: number | null;
  /** ordinal standardisation (0 and 1 for one-hot) */
  center: number;
  scale: number;
}

export type FeatureState = NumericFeatureState | CategoricalFeatureState;

/** The saved form of a fitted ColumnPreprocessor. */
export interface PreprocessorJSON {
  columns: FeatureState[];
}

export const MISSING_CATEGORY_NAME = '<missing>';

/** A string column whose non-missing values are at least this share numeric is taken as a mistyped numeric column. */
const NUMERIC_LOOKING_SHARE = 0.95;
const NUMERIC_LOOKING_MIN_VALUES = 20;

function rowAt(rows: ArrayLike<number> | undefined, k: number): number {
  return rows === undefined ? k : rows[k];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function outputWidth(s: FeatureState): number {
  if (s.kind === 'number' || s.encoding === 'ordinal') return 1;
  return s.categories.length + (s.missing === 'category' ? 1 : 0);
}

/**
 * Turns a table's feature columns into the estimator's Matrix, with every
 * statistic (medians, means, categories) learned from the training rows only,
 * so that the same transformation is applied at predict time and travels
 * inside the saved model.
 */
export class ColumnPreprocessor {
  /** one name per Matrix column: `age`, `color=red`, `color=<missing>` */
  readonly featureNames: string[];
  /** number of Matrix columns */
  readonly width: number;

  /** category -> code, per state (undefined for numeric ones), built once for fast predictions */
  private readonly indexes: (Map<string, number> | undefined)[];

  constructor(readonly states: readonly FeatureState[]) {
    this.indexes = states.map((s) => (s.kind === 'string' ? new Map(s.categories.map((c, j) => [c, j])) : undefined));
    this.featureNames = [];
    for (const s of states) {
      if (s.kind === 'string' && s.encoding === 'onehot') {
        for (const c of s.categories) this.featureNames.push(`${s.name}=${c}`);
        if (s.missing === 'category') this.featureNames.push(`${s.name}=${MISSING_CATEGORY_NAME}`);
      } else this.featureNames.push(s.name);
    }
    this.width = this.featureNames.length;
  }

  /** Learns the transformation of `features` from the given rows (all rows by default). */
  static fit(table: Table, features: readonly ColumnSpec[], options: PreprocessorOptions, rows?: ArrayLike<number>): ColumnPreprocessor {
    const n = rows === undefined ? table.rowCount : rows.length;
    const states = features.map((f): FeatureState => {
      const col = getColumn(table, f.name);
      if (col.kind === 'number') return fitNumeric(col.name, col.values, rows, n, options);
      checkNotMistypedNumeric(col.name, col.values, rows, n);
      return fitCategorical(col.name, col.values, rows, n, options);
    });
    return new ColumnPreprocessor(states);
  }

  /** The Matrix for the given rows (all rows by default). Columns are found by name; extra columns are ignored. */
  transform(table: Table, rows?: ArrayLike<number>): Matrix {
    const n = rows === undefined ? table.rowCount : rows.length;
    const width = this.width;
    const X = createMatrix(n, width);
    const data = X.data;
    let offset = 0;
    for (let f = 0; f < this.states.length; f++) {
      const s = this.states[f];
      const col = getColumn(table, s.name);
      if (s.kind === 'number') {
        const values = numericValues(col, rows, n);
        const { center, scale } = s;
        const fill = s.fill ?? NaN;
        for (let k = 0; k < n; k++) {
          const v = values[k];
          data[k * width + offset] = ((v === v ? v : fill) - center) / scale;
        }
      } else {
        const values = textValues(col, rows, n);
        const index = this.indexes[f]!;
        const k0 = s.categories.length;
        const missingCode =
          s.missing === 'category' ? k0 : s.missing === 'fill' && s.fill !== null ? (index.get(s.fill) ?? -1) : -1;
        if (s.encoding === 'onehot') {
          for (let k = 0; k < n; k++) {
            const v = values[k];
            const code = v === null ? missingCode : (index.get(v) ?? -1);
            if (code >= 0) data[k * width + offset + code] = 1;
          }
        } else {
          const unknown = s.unknownCode ?? NaN;
          const { center, scale } = s;
          for (let k = 0; k < n; k++) {
            const v = values[k];
            const code = v === null ? missingCode : (index.get(v) ?? -1);
            data[k * width + offset] = ((code >= 0 ? code : unknown) - center) / scale;
          }
        }
      }
      offset += outputWidth(s);
    }
    return X;
  }

  toJSON(): PreprocessorJSON {
    return { columns: this.states.map((s) => ({ ...s, ...(s.kind === 'string' ? { categories: [...s.categories] } : {}) })) };
  }

  /** Restores a saved preprocessor, checking every field (DataError on a malformed one). */
  static fromJSON(json: unknown): ColumnPreprocessor {
    const where = 'preprocessing';
    if (!isObject(json) || !Array.isArray(json.columns)) throw malformed(`${where}.columns must be an array`);
    const states = json.columns.map((raw: unknown, j: number): FeatureState => {
      const at = `${where}.columns[${j}]`;
      if (!isObject(raw)) throw malformed(`${at} must be an object`);
      const name = readString(raw.name, `${at}.name`);
      const center = readFinite(raw.center, `${at}.center`);
      const scale = readFinite(raw.scale, `${at}.scale`);
      if (scale === 0) throw malformed(`${at}.scale must not be 0`);
      if (raw.kind === 'number') {
        const fill = raw.fill === null ? null : readFinite(raw.fill, `${at}.fill`);
        return { name, kind: 'number', fill, center, scale };
      }
      if (raw.kind !== 'string') throw malformed(`${at}.kind must be 'number' or 'string'`);
      if (raw.encoding !== 'onehot' && raw.encoding !== 'ordinal') throw malformed(`${at}.encoding must be 'onehot' or 'ordinal'`);
      if (!Array.isArray(raw.categories)) throw malformed(`${at}.categories must be an array of strings`);
      const categories = raw.categories.map((c: unknown, k: number) => readString(c, `${at}.categories[${k}]`));
      if (new Set(categories).size !== categories.length) throw malformed(`${at}.categories has repeats`);
      if (raw.missing !== 'category' && raw.missing !== 'fill' && raw.missing !== 'unknown') {
        throw malformed(`${at}.missing must be 'category', 'fill' or 'unknown'`);
      }
      const fill = raw.fill === null ? null : readString(raw.fill, `${at}.fill`);
      const unknownCode = raw.unknownCode === null ? null : readFinite(raw.unknownCode, `${at}.unknownCode`);
      return { name, kind: 'string', encoding: raw.encoding, categories, missing: raw.missing, fill, unknownCode, center, scale };
    });
    return new ColumnPreprocessor(states);
  }
}

function fitNumeric(
  name: string,
  values: Float64Array,
  rows: ArrayLike<number> | undefined,
  n: number,
  options: PreprocessorOptions,
): NumericFeatureState {
  const present = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const v = values[rowAt(rows, k)];
    if (v === v) present[m++] = v;
  }
  const seen = present.subarray(0, m);
  // An all-missing column has no median; 0 keeps it a harmless constant input.
  const fill = options.keepMissing ? null : m === 0 ? 0 : median(seen.slice());
  let center = 0;
  let scale = 1;
  if (options.scale) {
    // Statistics of what the estimator will see: imputed values, or the present ones when NaN is kept.
    const count = fill === null ? m : n;
    const extra = fill === null ? 0 : n - m;
    ({ center, scale } = meanStd(seen, fill ?? 0, extra, count));
  }
  return { name, kind: 'number', fill, center, scale };
}

/** The median of `a` (not empty, no NaN), by quickselect: O(n), and `a` is reordered. */
function median(a: Float64Array): number {
  const m = a.length;
  const hi = select(a, m >> 1);
  if (m % 2 === 1) return hi;
  // the elements before the selected one are the smaller half: the other middle value is their largest
  let lo = -Infinity;
  for (let i = 0; i < m >> 1; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}

/** Reorders `a` so that a[k] is its k-th smallest value, smaller ones before it, larger after (Hoare's selection). */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    // median of three as the pivot, so sorted input stays linear
    const mid = (left + right) >> 1;
    const pivot = Math.max(Math.min(a[left], a[mid]), Math.min(Math.max(a[left], a[mid]), a[right]));
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}

/** Mean and population standard deviation of `values` plus `extra` copies of `fillValue`; scale 1 when it is 0. */
function meanStd(values: Float64Array, fillValue: number, extra: number, count: number): { center: number; scale: number } {
  if (count === 0) return { center: 0, scale: 1 };
  let sum = fillValue * extra;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / count;
  let ss = (fillValue - mean) * (fillValue - mean) * extra;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) * (values[i] - mean);
  const std = Math.sqrt(ss / count);
  return { center: Number.isFinite(mean) ? mean : 0, scale: std > 0 && Number.isFinite(std) ? std : 1 };
}

function fitCategorical(
  name: string,
  values: (string | null)[],
  rows: ArrayLike<number> | undefined,
  n: number,
  options: PreprocessorOptions,
): CategoricalFeatureState {
  const counts = new Map<string, number>();
  let missingCount = 0;
  for (let k = 0; k < n; k++) {
    const v = values[rowAt(rows, k)];
    if (v === null) missingCount++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const byFrequency = [...counts.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
  const categories = byFrequency
    .slice(0, options.maxCategories)
    .map(([c]) => c)
    .sort(compareStrings);
  let missing: CategoricalFeatureState['missing'];
  let fill: string | null = null;
  if (options.categoricalMissing === 'most_frequent' && byFrequency.length > 0) {
    missing = 'fill';
    fill = byFrequency[0][0];
  } else if (options.categoricalMissing === 'indicator' && missingCount > 0) missing = 'category';
  else missing = 'unknown';
  const unknownCode = options.keepMissing ? null : -1;
  let center = 0;
  let scale = 1;
  if (options.encoding === 'ordinal' && options.scale) {
    const index = new Map<string, number>();
    categories.forEach((c, j) => index.set(c, j));
    const missingCode = missing === 'category' ? categories.length : missing === 'fill' ? index.get(fill!)! : unknownCode;
    const codes = new Float64Array(n);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const v = values[rowAt(rows, k)];
      const code = v === null ? missingCode : (index.get(v) ?? unknownCode);
      if (code !== null) codes[m++] = code;
    }
    ({ center, scale } = meanStd(codes.subarray(0, m), 0, 0, m));
  }
  return { name, kind: 'string', encoding: options.encoding, categories, missing, fill, unknownCode, center, scale };
}

/**
 * A text column that is numeric but for a few values is almost always a
 * typo or a stray marker ("n/a", "12,5"); one-hot encoding it would quietly
 * turn every number into a category, so fitting stops and names the values.
 */
function checkNotMistypedNumeric(name: string, values: (string | null)[], rows: ArrayLike<number> | undefined, n: number): void {
  let present = 0;
  const bad: number[] = [];
  for (let k = 0; k < n; k++) {
    const r = rowAt(rows, k);
    const v = values[r];
    if (v === null) continue;
    present++;
    if (parseNumber(v) !== parseNumber(v)) {
      bad.push(r);
      if (bad.length > present * (1 - NUMERIC_LOOKING_SHARE) + 1 && present > 10) return;
    }
  }
  if (present < NUMERIC_LOOKING_MIN_VALUES || bad.length === 0 || bad.length > present * (1 - NUMERIC_LOOKING_SHARE)) return;
  const shown = bad.slice(0, 5).map((r) => `row ${r + 1} has ${preview(values[r])}`);
  throw new DataError(
    `Feature '${name}' is numeric except for ${bad.length} value${bad.length === 1 ? '' : 's'} (${shown.join(', ')}${bad.length > 5 ? ', ...' : ''}). ` +
      `Fix ${bad.length === 1 ? 'it' : 'them'} or leave ${bad.length === 1 ? 'it' : 'them'} empty to mark ${bad.length === 1 ? 'it' : 'them'} missing.`,
    { column: name, rows: bad.slice(0, 20).map((r) => r + 1), values: bad.slice(0, 20).map((r) => preview(values[r])) },
  );
}

/** A numeric feature's values at the rows; a text column is parsed (a DataError names the first value that is not a number). */
function numericValues(col: Column, rows: ArrayLike<number> | undefined, n: number): Float64Array {
  const out = new Float64Array(n);
  if (col.kind === 'number') {
    for (let k = 0; k < n; k++) out[k] = col.values[rowAt(rows, k)];
    return out;
  }
  for (let k = 0; k < n; k++) {
    const r = rowAt(rows, k);
    const s = col.values[r];
    if (s === null) {
      out[k] = NaN;
      continue;
    }
    const v = parseNumber(s);
    if (v !== v) {
      throw new DataError(`Feature '${col.name}' must be numeric, but row ${r + 1} has ${preview(s)}`, {
        column: col.name,
        row: r + 1,
        value: preview(s),
      });
    }
    out[k] = v;
  }
  return out;
}

/** A text feature's values at the rows; numbers in a numeric column are written out (`3` -> '3'). */
function textValues(col: Column, rows: ArrayLike<number> | undefined, n: number): (string | null)[] {
  const out = new Array<string | null>(n);
  if (col.kind === 'string') {
    for (let k = 0; k < n; k++) out[k] = col.values[rowAt(rows, k)];
    return out;
  }
  for (let k = 0; k < n; k++) {
    const v = col.values[rowAt(rows, k)];
    out[k] = v === v ? String(v) : null;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function malformed(what: string): DataError {
  return new DataError(`Malformed model artifact: ${what}`);
}

function readString(v: unknown, what: string): string {
  if (typeof v !== 'string') throw malformed(`${what} must be a string`);
  return v;
}

function readFinite(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw malformed(`${what} must be a finite number`);
  return v;
}
