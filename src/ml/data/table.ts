import { DataError } from '../base/errors.js';
import { DEFAULT_NA_VALUES, parseNumber, preview } from './coerce.js';

export type ColumnKind = 'number' | 'string';

/** A numeric column; NaN marks a missing value. */
export interface NumberColumn {
  name: string;
  kind: 'number';
  values: Float64Array;
}

/** A text column; null marks a missing value (the empty string is read as missing too). */
export interface StringColumn {
  name: string;
  kind: 'string';
  values: (string | null)[];
}

export type Column = NumberColumn | StringColumn;

/**
 * The columnar table every layer passes around. Treat tables as immutable:
 * helpers such as selectColumns share column objects instead of copying them.
 */
export interface Table {
  rowCount: number;
  columns: Column[];
}

/** A column's name and kind: the schema of a table or of a model's features. */
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

/** A column as described on the wire (`{name, type}`, as in the dataset API). */
export interface ColumnDescription {
  name: string;
  type: ColumnKind;
}

/** One value that does not fit its column, as listed in DataError details. */
export interface MistypedValue {
  column: string;
  /** index of the record in the input array (0-based, as in `instances[index]`) */
  index: number;
  /** the value, shortened for display */
  value: string;
  expected: ColumnKind;
}

/** At most this many mistyped values are listed in error details. */
const MAX_LISTED = 20;

/** Builds a table from columns, checking their lengths agree and names are unique. */
export function createTable(columns: Column[]): Table {
  const rowCount = columns.length > 0 ? columns[0].values.length : 0;
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new DataError(`Column '${c.name}' appears more than once`, { column: c.name });
    seen.add(c.name);
    if (c.values.length !== rowCount) {
      throw new DataError(`Column '${c.name}' has ${c.values.length} values, but column '${columns[0].name}' has ${rowCount}`);
    }
  }
  return { rowCount, columns };
}

export function columnNames(table: Table): string[] {
  return table.columns.map((c) => c.name);
}

/** The column with this name, or undefined. */
export function findColumn(table: Table, name: string): Column | undefined {
  for (const c of table.columns) if (c.name === name) return c;
  return undefined;
}

function available(table: Table): string {
  const names = columnNames(table);
  return names.length ? names.map((n) => `'${n}'`).join(', ') : '(none)';
}

/** The column with this name; a DataError naming it and listing the available columns otherwise. */
export function getColumn(table: Table, name: string): Column {
  const c = findColumn(table, name);
  if (!c) {
    throw new DataError(`Column '${name}' not found. Available columns: ${available(table)}.`, {
      column: name,
      available: columnNames(table),
    });
  }
  return c;
}

/** The schema of a table: each column's name and kind, in order. */
export function schemaOf(table: Table): ColumnSpec[] {
  return table.columns.map((c) => ({ name: c.name, kind: c.kind }));
}

/** Columns as the API describes them: `[{name, type}]`. */
export function describeColumns(table: Table): ColumnDescription[] {
  return table.columns.map((c) => ({ name: c.name, type: c.kind }));
}

function checkRowIndices(table: Table, idx: ArrayLike<number>): void {
  const n = table.rowCount;
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k];
    if (!(r >= 0 && r < n && Number.isInteger(r))) {
      throw new DataError(`Row index ${r} is out of range for a table of ${n} rows`, { row: r, rowCount: n });
    }
  }
}

/** Copies the given rows, in the given order (repeats allowed), into a new table. */
export function selectRows(table: Table, idx: ArrayLike<number>): Table {
  checkRowIndices(table, idx);
  const m = idx.length;
  const columns: Column[] = table.columns.map((c): Column => {
    if (c.kind === 'number') {
      const out = new Float64Array(m);
      for (let k = 0; k < m; k++) out[k] = c.values[idx[k]];
      return { name: c.name, kind: 'number', values: out };
    }
    const out = new Array<string | null>(m);
    for (let k = 0; k < m; k++) out[k] = c.values[idx[k]];
    return { name: c.name, kind: 'string', values: out };
  });
  return { rowCount: m, columns };
}

/** A table of the named columns in the given order (columns are shared, not copied). */
export function selectColumns(table: Table, names: readonly string[]): Table {
  const missing = names.filter((n) => !findColumn(table, n));
  if (missing.length) {
    throw new DataError(
      `${missing.length === 1 ? 'Column' : 'Columns'} ${missing.map((n) => `'${n}'`).join(', ')} not found. Available columns: ${available(table)}.`,
      { missing, available: columnNames(table) },
    );
  }
  return createTable(names.map((n) => getColumn(table, n)));
}

/** Joins tables with the same schema (names and kinds, in order) one under another. */
export function concatTables(tables: readonly Table[]): Table {
  if (tables.length === 0) throw new DataError('concatTables needs at least one table');
  const first = tables[0];
  const names = schemaOf(first);
  for (let t = 1; t < tables.length; t++) {
    const s = schemaOf(tables[t]);
    const same = s.length === names.length && s.every((c, j) => c.name === names[j].name && c.kind === names[j].kind);
    if (!same) {
      const fmt = (cs: ColumnSpec[]) => cs.map((c) => `${c.name}:${c.kind}`).join(', ');
      throw new DataError(`Cannot concatenate tables with different columns: [${fmt(names)}] and [${fmt(s)}] (table ${t})`);
    }
  }
  let rowCount = 0;
  for (const t of tables) rowCount += t.rowCount;
  const columns = first.columns.map((c, j): Column => {
    if (c.kind === 'number') {
      const out = new Float64Array(rowCount);
      let at = 0;
      for (const t of tables) {
        out.set(t.columns[j].values as Float64Array, at);
        at += t.rowCount;
      }
      return { name: c.name, kind: 'number', values: out };
    }
    const out: (string | null)[] = [];
    for (const t of tables) for (const v of t.columns[j].values as (string | null)[]) out.push(v);
    return { name: c.name, kind: 'string', values: out };
  });
  return { rowCount, columns };
}

const NA = new Set(DEFAULT_NA_VALUES);

/**
 * A JSON value as a number: null, undefined, NaN, '' and the usual NA strings
 * are missing (NaN); booleans are 1/0; numeric strings are accepted.
 * Returns undefined when the value cannot be a number.
 */
export function coerceNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? NaN : Number.isFinite(v) ? v : undefined;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (NA.has(t)) return NaN;
    const x = parseNumber(t);
    return Number.isNaN(x) ? undefined : x;
  }
  return undefined;
}

/**
 * A JSON value as text: null, undefined, NaN and '' are missing (null);
 * finite numbers and booleans are written out (`3`, `'true'`). Returns
 * undefined for objects, arrays and infinities.
 */
export function coerceString(v: unknown): string | null | undefined {
  if (typeof v === 'string') return v === '' ? null : v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function isRecord(r: unknown): r is Record<string, unknown> {
  return typeof r === 'object' && r !== null && !Array.isArray(r);
}

/**
 * Column names, however a table was read (CSV header, JSON records, a
 * declared schema): each non-empty and none twice. `where` starts the error.
 */
export function checkColumnNames(names: readonly string[], where: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name.trim() === '') {
      throw new DataError(`${where}: column ${j + 1} has an empty name; every column needs a name`, { column: j + 1 });
    }
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new DataError(`${where}: the column name '${name}' appears more than once (columns ${prev + 1} and ${j + 1})`, {
        name,
        columns: [prev + 1, j + 1],
      });
    }
    seen.set(name, j);
  });
}

/**
 * Builds a table from JSON records (`[{age: 31, color: 'red'}, ...]`).
 *
 * Without a schema, columns appear in order of first appearance and a column
 * is numeric when every present value is a number, a boolean or a numeric
 * string; otherwise it is text. With a schema, exactly the schema's columns
 * are built, in its order; keys outside it are ignored and a missing key is
 * a missing value.
 *
 * Missing: null, undefined, NaN and ''. In number columns the NA strings of
 * DEFAULT_NA_VALUES are missing too. Booleans become 1/0 in number columns and
 * 'true'/'false' in text columns; numbers in text columns are written out
 * (`3` -> '3'). Values that fit neither (objects, arrays, Infinity, text in a
 * number column) raise one DataError whose `details.mistyped` lists them
 * (`{column, index, value, expected}`, at most 20, with `details.count`).
 */
export function tableFromRecords(records: readonly unknown[], schema?: readonly ColumnSpec[]): Table {
  if (!Array.isArray(records)) throw new DataError('Expected an array of records (objects)');
  for (let i = 0; i < records.length; i++) {
    if (!isRecord(records[i])) {
      throw new DataError(`Record ${i} is ${preview(records[i])}; every record must be an object of column values`, {
        index: i,
      });
    }
  }
  const recs = records as readonly Record<string, unknown>[];
  const specs = schema ? [...schema] : inferRecordSchema(recs);
  checkColumnNames(specs.map((c) => c.name), schema ? 'Columns' : 'Records');
  const mistyped: MistypedValue[] = [];
  let count = 0;
  const bad = (column: string, index: number, value: unknown, expected: ColumnKind) => {
    count++;
    if (mistyped.length < MAX_LISTED) mistyped.push({ column, index, value: preview(value), expected });
  };
  const columns = specs.map((spec): Column => {
    const n = recs.length;
    if (spec.kind === 'number') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const raw = recs[i][spec.name];
        const v = coerceNumber(raw);
        if (v === undefined) {
          bad(spec.name, i, raw, 'number');
          values[i] = NaN;
        } else values[i] = v;
      }
      return { name: spec.name, kind: 'number', values };
    }
    const values = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const raw = recs[i][spec.name];
      const v = coerceString(raw);
      if (v === undefined) {
        bad(spec.name, i, raw, 'string');
        values[i] = null;
      } else values[i] = v;
    }
    return { name: spec.name, kind: 'string', values };
  });
  if (count > 0) {
    const first = mistyped[0];
    const what = first.expected === 'number' ? 'a number' : 'a string';
    throw new DataError(
      `${count} value${count === 1 ? '' : 's'} of the wrong type: column '${first.column}' must be ${what}, ` +
        `but record ${first.index} has ${first.value}${count > 1 ? ` (see details for the others)` : ''}`,
      { mistyped, count },
    );
  }
  return createTable(columns);
}

function inferRecordSchema(records: readonly Record<string, unknown>[]): ColumnSpec[] {
  const order: string[] = [];
  const numeric = new Map<string, boolean>();
  for (const r of records) {
    for (const key of Object.keys(r)) {
      let isNum = numeric.get(key);
      if (isNum === undefined) {
        order.push(key);
        isNum = true;
      }
      // Objects and infinities are reported later by the column's coercion.
      if (isNum) {
        const v = r[key];
        if (typeof v === 'string' || typeof v === 'object') isNum = coerceNumber(v) !== undefined;
      }
      numeric.set(key, isNum);
    }
  }
  return order.map((name) => ({ name, kind: numeric.get(name) ? 'number' : 'string' }));
}

/** The table as JSON records; missing values become null. */
export function tableToRecords(table: Table): Record<string, number | string | null>[] {
  const out: Record<string, number | string | null>[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const rec: Record<string, number | string | null> = {};
    for (const c of table.columns) {
      const v = c.values[i];
      rec[c.name] = typeof v === 'number' && Number.isNaN(v) ? null : v;
    }
    out.push(rec);
  }
  return out;
}
