import { DataError } from '../base/errors.js';
import { parseNumber, preview } from '../data/coerce.js';
import type { Column } from '../data/table.js';

/** A class label as the user wrote it. */
export type Label = number | string;

/** The saved form of a ClassEncoder. */
export interface ClassEncoderJSON {
  /** 'number' when the target column was numeric at fit, else 'string' */
  labelKind: 'number' | 'string';
  /** sorted labels; a label's code is its position */
  classes: Label[];
}

function rowAt(rows: ArrayLike<number> | undefined, k: number): number {
  return rows === undefined ? k : rows[k];
}

function compareLabels(a: Label, b: Label): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The label of one row, or null when missing; text is parsed when labels are numbers and numbers written out when they are text. */
function labelAt(col: Column, r: number, kind: 'number' | 'string'): Label | null {
  if (col.kind === 'number') {
    const v = col.values[r];
    if (v !== v) return null;
    return kind === 'number' ? v : String(v);
  }
  const s = col.values[r];
  if (s === null) return null;
  if (kind === 'string') return s;
  const v = parseNumber(s);
  return v === v ? v : s;
}

function missingTargetError(col: Column, rows: ArrayLike<number> | undefined, n: number): DataError | null {
  let count = 0;
  let first = -1;
  for (let k = 0; k < n; k++) {
    const r = rowAt(rows, k);
    const v = col.values[r];
    if (v === null || (typeof v === 'number' && v !== v)) {
      if (first < 0) first = r;
      count++;
    }
  }
  if (count === 0) return null;
  return new DataError(
    `The target column '${col.name}' has ${count} missing value${count === 1 ? '' : 's'} (the first at row ${first + 1}); ` +
      `every training or evaluation row needs a target. Remove those rows or fill them in.`,
    { column: col.name, missing: count, row: first + 1 },
  );
}

/**
 * Class labels (numbers or text) to codes 0..k-1 in sorted label order, and
 * back. Estimators see only codes; users see their own labels.
 */
export class ClassEncoder {
  private readonly index = new Map<Label, number>();

  constructor(
    readonly labelKind: 'number' | 'string',
    readonly classes: readonly Label[],
  ) {
    classes.forEach((c, k) => this.index.set(c, k));
  }

  /** Learns the classes from the target at the rows; needs at least two and no missing labels. */
  static fit(col: Column, rows?: ArrayLike<number>): ClassEncoder {
    const n = rows === undefined ? col.values.length : rows.length;
    const missing = missingTargetError(col, rows, n);
    if (missing) throw missing;
    const kind = col.kind;
    const seen = new Set<Label>();
    for (let k = 0; k < n; k++) seen.add(labelAt(col, rowAt(rows, k), kind)!);
    const classes = [...seen].sort(compareLabels);
    if (classes.length < 2) {
      throw new DataError(
        `The target column '${col.name}' has only one class (${preview(classes[0])}) in the training rows; ` +
          `classification needs at least two.`,
        { column: col.name, classes },
      );
    }
    return new ClassEncoder(kind, classes);
  }

  /**
   * Codes of the labels at the rows. A label the encoder has not seen gets
   * the code k, k+1, ... in order of appearance, listed in `unseen` so that
   * evaluation can score it as always wrong.
   */
  encode(col: Column, rows?: ArrayLike<number>): { codes: Float64Array; unseen: Label[] } {
    const n = rows === undefined ? col.values.length : rows.length;
    const missing = missingTargetError(col, rows, n);
    if (missing) throw missing;
    const codes = new Float64Array(n);
    const extra = new Map<Label, number>();
    for (let k = 0; k < n; k++) {
      const label = labelAt(col, rowAt(rows, k), this.labelKind)!;
      let code = this.index.get(label);
      if (code === undefined) {
        code = extra.get(label);
        if (code === undefined) {
          code = this.classes.length + extra.size;
          extra.set(label, code);
        }
      }
      codes[k] = code;
    }
    return { codes, unseen: [...extra.keys()] };
  }

  /** Labels of codes; codes outside 0..k-1 are an internal error. */
  decode(codes: ArrayLike<number>): Label[] {
    const out = new Array<Label>(codes.length);
    for (let i = 0; i < codes.length; i++) {
      const label = this.classes[codes[i]];
      if (label === undefined) throw new Error(`the estimator predicted ${codes[i]}, which is not a class code`);
      out[i] = label;
    }
    return out;
  }

  toJSON(): ClassEncoderJSON {
    return { labelKind: this.labelKind, classes: [...this.classes] };
  }

  static fromJSON(json: unknown): ClassEncoder {
    const bad = (what: string) => new DataError(`Malformed model artifact: target.${what}`);
    if (typeof json !== 'object' || json === null) throw bad('classes missing');
    const { labelKind, classes } = json as Record<string, unknown>;
    if (labelKind !== 'number' && labelKind !== 'string') throw bad(`labelKind must be 'number' or 'string'`);
    if (!Array.isArray(classes) || classes.length < 2) throw bad('classes must list at least two labels');
    for (let k = 0; k < classes.length; k++) {
      const c: unknown = classes[k];
      const ok = labelKind === 'number' ? typeof c === 'number' && Number.isFinite(c) : typeof c === 'string';
      if (!ok) throw bad(`classes[${k}] must be a ${labelKind === 'number' ? 'finite number' : 'string'}`);
      if (k > 0 && compareLabels(classes[k - 1] as Label, c as Label) >= 0) throw bad('classes must be sorted and distinct');
    }
    return new ClassEncoder(labelKind, classes as Label[]);
  }
}

/**
 * The numeric target at the rows (regression, time series); text that is not
 * a number and missing values are DataErrors naming the column and row.
 */
export function numericTarget(col: Column, rows: ArrayLike<number> | undefined, task: string): Float64Array {
  const n = rows === undefined ? col.values.length : rows.length;
  const missing = missingTargetError(col, rows, n);
  if (missing) throw missing;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = rowAt(rows, k);
    if (col.kind === 'number') {
      out[k] = col.values[r];
      continue;
    }
    const s = col.values[r]!;
    const v = parseNumber(s);
    if (v !== v) {
      throw new DataError(
        `The target column '${col.name}' must be numeric for ${task}, but row ${r + 1} has ${preview(s)}.` +
          (task === 'regression' ? ` For categories, use task 'classification'.` : ''),
        { column: col.name, row: r + 1, value: preview(s) },
      );
    }
    out[k] = v;
  }
  return out;
}
