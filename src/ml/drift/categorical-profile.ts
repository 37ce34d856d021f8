import { checkNumber } from '../base/params.js';

/** A categorical value; null, undefined and NaN are missing, numbers and booleans are compared as text. */
export type CategoryValue = string | number | boolean | null | undefined;

/** Options of {@link categoricalProfile}. */
export interface CategoricalProfileOptions {
  /**
   * Most categories kept by name (the most frequent); the rest are counted in `other_count`.
   * @defaultValue 100
   */
  maxCategories?: number;
}

/**
 * Reference profile of one categorical feature, plain JSON. Categories are
 * kept as parallel arrays (not an object keyed by category), since category
 * text may hold '.' or '$', which MongoDB keys cannot.
 */
export interface CategoricalProfile {
  kind: 'categorical';
  /** rows seen, missing ones included */
  count: number;
  missing_count: number;
  missing_fraction: number;
  /** kept categories, most frequent first, ties in code-unit order */
  categories: string[];
  /** rows per kept category */
  counts: number[];
  /** fraction of all rows (missing included) per kept category */
  fractions: number[];
  /** rows whose category was not kept (beyond max_categories) */
  other_count: number;
  /** distinct non-missing categories seen, kept or not */
  distinct_count: number;
}

/** The text a value is counted under, or null when missing. */
export function categoryKey(v: CategoryValue): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  return typeof v === 'string' ? v : String(v);
}

/** Category frequencies of a reference column. */
export function categoricalProfile(values: ArrayLike<CategoryValue>, options: CategoricalProfileOptions = {}): CategoricalProfile {
  const maxCategories = checkNumber('categoricalProfile', 'max_categories', options.maxCategories ?? 100, { kind: 'int', min: 1 });
  const tally = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const key = categoryKey(values[i]);
    if (key === null) missing++;
    else tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const ranked = [...tally.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, maxCategories);
  let other = 0;
  for (let k = maxCategories; k < ranked.length; k++) other += ranked[k][1];
  const count = values.length;
  const frac = (c: number): number => (count === 0 ? 0 : c / count);
  return {
    kind: 'categorical',
    count,
    missing_count: missing,
    missing_fraction: frac(missing),
    categories: kept.map((e) => e[0]),
    counts: kept.map((e) => e[1]),
    fractions: kept.map((e) => frac(e[1])),
    other_count: other,
    distinct_count: ranked.length,
  };
}
