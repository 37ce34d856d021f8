import { DataError } from '../base/errors.js';
import { DEFAULT_NA_VALUES, parseNumber, preview } from './coerce.js';
import { checkDelimiter, CsvStreamParser, type CsvParseOptions, type CsvRow } from './csv-stream-parser.js';
import type { Column, ColumnKind, Table } from './table.js';

export { CsvStreamParser, type CsvParseOptions, type CsvRow } from './csv-stream-parser.js';

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
   * What to do with columns the schema does not list: `'infer'` them or keep
   * them as `'string'` (raw text, e.g. to pass through unchanged).
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
 * Turns parsed rows into a Table. An inferred column is numeric when every
 * non-missing value is a plain decimal number (see parseNumber), else text;
 * a column with no values at all is numeric (all NaN).
 */
export function rowsToTable(header: readonly string[], rows: readonly CsvRow[], options: CsvTypingOptions = {}): Table {
  const { schema, unlisted = 'infer', firstRow = 1 } = options;
  if (schema) {
    for (const name of Object.keys(schema)) {
      if (!header.includes(name)) {
        throw new DataError(`Column '${name}' not found. Available columns: ${header.map((h) => `'${h}'`).join(', ')}.`, {
          column: name,
          available: [...header],
        });
      }
    }
  }
  const n = rows.length;
  const ncols = header.length;
  const forced: (ColumnKind | undefined)[] = header.map((name) =>
    schema && Object.hasOwn(schema, name) ? schema[name] : unlisted === 'string' && schema ? 'string' : undefined,
  );
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

/**
 * Parses a whole CSV text (RFC 4180, header row required) into a Table,
 * inferring each column's kind. Empty fields and the NA markers are missing.
 */
export function parseCsv(text: string, options: CsvParseOptions & CsvTypingOptions = {}): Table {
  const parser = new CsvStreamParser(options);
  const rows = parser.push(text);
  for (const r of parser.end()) rows.push(r);
  return rowsToTable(parser.header!, rows, options);
}

/** Options of the CSV writers. */
export interface CsvWriteOptions {
  /** @defaultValue ',' */
  delimiter?: string;
}

/**
 * Text that needs quotes: it holds a delimiter, quote or line break, would
 * read back as missing (an NA marker), or has leading/trailing whitespace
 * (kept intact by some readers, trimmed by others).
 */
function needsQuotes(s: string, delim: string): boolean {
  if (s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r')) return true;
  if (NA_OUT.has(s)) return true;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(s.length - 1);
  return a === 32 || a === 9 || b === 32 || b === 9;
}

const NA_OUT = new Set(DEFAULT_NA_VALUES);

function formatText(s: string, delim: string): string {
  return needsQuotes(s, delim) ? `"${s.replaceAll('"', '""')}"` : s;
}

function formatRows(table: Table, from: number, to: number, delim: string): string {
  const cols = table.columns;
  const parts: string[] = [];
  const cells = new Array<string>(cols.length);
  for (let i = from; i < to; i++) {
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j];
      if (c.kind === 'number') {
        const v = c.values[i];
        cells[j] = v === v ? String(v) : '';
      } else {
        const v = c.values[i];
        cells[j] = v === null ? '' : formatText(v, delim);
      }
    }
    parts.push(cells.join(delim));
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}

/**
 * Writes a table as CSV in pieces: first the header line, then blocks of
 * `rowsPerChunk` rows, so a large download streams. Lines end in LF; missing
 * values are empty fields; numbers use the shortest text that reads back
 * exactly. Note a text column whose values all look numeric reads back as a
 * number column.
 */
export function* csvChunks(table: Table, rowsPerChunk = 10_000, options: CsvWriteOptions = {}): Generator<string, void, undefined> {
  const delim = options.delimiter ?? ',';
  checkDelimiter(delim);
  if (!(Number.isInteger(rowsPerChunk) && rowsPerChunk >= 1)) {
    throw new RangeError(`rowsPerChunk must be a positive integer, got ${rowsPerChunk}`);
  }
  yield table.columns.map((c) => formatText(c.name, delim)).join(delim) + '\n';
  for (let from = 0; from < table.rowCount; from += rowsPerChunk) {
    yield formatRows(table, from, Math.min(table.rowCount, from + rowsPerChunk), delim);
  }
}

/** The whole table as one CSV text (header, then one line per row). */
export function toCsv(table: Table, options: CsvWriteOptions = {}): string {
  let out = '';
  for (const chunk of csvChunks(table, 10_000, options)) out += chunk;
  return out;
}
