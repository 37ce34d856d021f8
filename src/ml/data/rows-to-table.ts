import { DataError } from '../base/errors.js';
import { parseNumber, preview } from './coerce.js';
import type { CsvRow } from './csv-stream-parser.js';
import type { Column, ColumnKind, Table } from './table.js';

/** How to type the columns of parsed rows. */
export interface CsvTypingOptions {
  /**
   * Kinds for some or all columns (by name). Listed columns are converted to
   * that kind (text in a number column is a DataError); the others are
   * inferred unless `unlisted` says otherwise.
   * @defaultValue none: every column is inferred
   */
  schema?: Readonly<Record<string, ColumnKind>>;
  /**
   * What to do with columns the schema does not list (all of them when there
   * is no schema): `'infer'` them or keep them as `'string'` (raw text, e.g.
   * to pass through unchanged).
   * @defaultValue 'infer'
   */
  unlisted?: 'infer' | 'string';
  /**
   * Data row number (1-based) of the first of these rows, for error messages
   * when rows come in blocks.
   * @defaultValue 1
   */
  firstRow?: number;
}

/**
 * The forced kind of each header column (undefined: infer), checking that
 * every column the schema names is in the header.
 */
export function columnKinds(header: readonly string[], options: CsvTypingOptions): (ColumnKind | undefined)[] {
  const { schema, unlisted = 'infer' } = options;
  if (!schema) return header.map(() => (unlisted === 'string' ? 'string' : undefined));
  for (const name of Object.keys(schema)) {
    if (!header.includes(name)) {
      throw new DataError(`Column '${name}' not found. Available columns: ${header.map((h) => `'${h}'`).join(', ')}.`, {
        column: name,
        available: [...header],
      });
    }
  }
  return header.map((name) => (Object.hasOwn(schema, name) ? schema[name] : unlisted === 'string' ? 'string' : undefined));
}

/**
 * Turns parsed rows into a Table. An inferred column is numeric when every
 * non-missing value is a plain decimal number (see parseNumber), else text;
 * a column with no values at all is numeric (all NaN).
 */
export function rowsToTable(header: readonly string[], rows: readonly CsvRow[], options: CsvTypingOptions = {}): Table {
  const { firstRow = 1 } = options;
  const n = rows.length;
  const ncols = header.length;
  const forced = columnKinds(header, options);
  // Row-major pass: each column stays numeric until a value fails to parse.
  const nums: (Float64Array | null)[] = forced.map((k) => (k === 'string' ? null : new Float64Array(n)));
  const firstBad = new Int32Array(ncols).fill(-1);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    for (let j = 0; j < ncols; j++) {
      const out = nums[j];
      if (out === null) continue;
      const s = row[j];
      if (s === null) {
        out[i] = NaN;
        continue;
      }
      const v = parseNumber(s);
      if (v !== v) {
        nums[j] = null;
        firstBad[j] = i;
      } else out[i] = v;
    }
  }
  const columns = header.map((name, j): Column => {
    const values = nums[j];
    if (values) return { name, kind: 'number', values };
    if (forced[j] === 'number') {
      const i = firstBad[j];
      const bad = rows[i][j];
      throw new DataError(`Column '${name}' must be numeric, but row ${firstRow + i} has ${preview(bad)}`, {
        column: name,
        row: firstRow + i,
        value: preview(bad),
      });
    }
    return stringColumn(name, rows, j);
  });
  return { rowCount: n, columns };
}

function stringColumn(name: string, rows: readonly CsvRow[], j: number): Column {
  const n = rows.length;
  const values = new Array<string | null>(n);
  for (let i = 0; i < n; i++) values[i] = rows[i][j];
  return { name, kind: 'string', values };
}
