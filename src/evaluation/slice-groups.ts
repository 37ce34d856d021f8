import type { Column } from '../ml/data/table.js';

/** Rows of a column grouped into named slices. */
export interface SliceGroup {
  label: string;
  rows: Int32Array;
}

/** Label of missing values (NaN or empty text). */
export const MISSING_LABEL = '(missing)';
/** Label gathering the rarest text values beyond {@link SliceOptions.maxGroups}. */
export const OTHER_LABEL = '(other)';

/** Options of {@link sliceGroups}. */
export interface SliceOptions {
  /**
   * Quantile bins for a numeric column with more distinct values than this.
   * @defaultValue 4
   */
  bins?: number;
  /**
   * Most groups a text column keeps; rarer values go to `(other)`.
   * @defaultValue 50
   */
  maxGroups?: number;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function toGroups(buckets: Map<string, number[]>): SliceGroup[] {
  return [...buckets].map(([label, rows]) => ({ label, rows: Int32Array.from(rows) }));
}

/**
 * Splits a column's rows into slices: one per text value (missing values
 * together), or, for a numeric column with many distinct values, quantile
 * bins `[lo, hi)` (the last bin closed) with edges at the empirical
 * quantiles, duplicates merged, so tied values never straddle two bins.
 */
export function sliceGroups(col: Column, options: SliceOptions = {}): SliceGroup[] {
  const bins = options.bins ?? 4;
  const maxGroups = options.maxGroups ?? 50;
  const n = col.values.length;
  if (col.kind === 'string') {
    const buckets = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const label = col.values[i] ?? MISSING_LABEL;
      let b = buckets.get(label);
      if (!b) buckets.set(label, (b = []));
      b.push(i);
    }
    if (buckets.size <= maxGroups) return toGroups(buckets);
    const sorted = [...buckets].sort((a, b) => b[1].length - a[1].length);
    const kept = new Map(sorted.slice(0, maxGroups - 1));
    const other = sorted.slice(maxGroups - 1).flatMap(([, rows]) => rows).sort((a, b) => a - b);
    kept.set(OTHER_LABEL, other);
    return toGroups(kept);
  }
  const values = col.values;
  const present: number[] = [];
  const missing: number[] = [];
  for (let i = 0; i < n; i++) (values[i] === values[i] ? present : missing).push(i);
  const distinct = [...new Set(present.map((i) => values[i]))].sort((a, b) => a - b);
  const buckets = new Map<string, number[]>();
  if (distinct.length <= bins) {
    for (const v of distinct) buckets.set(fmt(v), []);
    for (const i of present) buckets.get(fmt(values[i]))!.push(i);
  } else {
    const sorted = Float64Array.from(present.map((i) => values[i])).sort();
    const edges: number[] = [];
    for (let q = 0; q <= bins; q++) {
      const pos = (q / bins) * (sorted.length - 1);
      const lo = Math.floor(pos);
      const v = sorted[lo] + (pos - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
      if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
    }
    const labels = edges.slice(0, -1).map((lo, b) => `[${fmt(lo)}, ${fmt(edges[b + 1])}${b === edges.length - 2 ? ']' : ')'}`);
    for (const l of labels) buckets.set(l, []);
    for (const i of present) {
      const v = values[i];
      let b = 0;
      while (b < labels.length - 1 && v >= edges[b + 1]) b++;
      buckets.get(labels[b])!.push(i);
    }
    for (const [label, rows] of buckets) if (rows.length === 0) buckets.delete(label);
  }
  if (missing.length) buckets.set(MISSING_LABEL, missing);
  return toGroups(buckets);
}
