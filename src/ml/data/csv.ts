import { DEFAULT_NA_VALUES } from './coerce.js';
import { ColumnBuilder } from './column-builder.js';
import { checkDelimiter, CsvStreamParser, type CsvParseOptions, type CsvSink } from './csv-stream-parser.js';
import { columnKinds, type CsvTypingOptions } from './rows-to-table.js';
import type { Table } from './table.js';

export { CsvStreamParser, type CsvParseOptions, type CsvRow, type CsvSink } from './csv-stream-parser.js';
export { CsvTableReader, readCsvTables, type CsvTableReaderOptions } from './csv-table-reader.js';
export { rowsToTable, type CsvTypingOptions } from './rows-to-table.js';

/**
 * Parses a whole CSV text (RFC 4180, header row required) into a Table,
 * inferring each column's kind (see rowsToTable). Empty fields and the NA
 * markers are missing.
 */
export function parseCsv(text: string, options: CsvParseOptions & CsvTypingOptions = {}): Table {
  const parser = new CsvStreamParser(options);
  let builder: ColumnBuilder | null = null;
  const start = (): ColumnBuilder => {
    const header = parser.header!;
    const kinds = columnKinds(header, options);
    return new ColumnBuilder(header, {
      delimiter: options.delimiter,
      naValues: options.naValues,
      kinds,
      firstRow: options.firstRow,
      expectedRows: countLines(text),
    });
  };
  const sink: CsvSink = {
    line: (s, a, b, lineNo) => (builder ??= start()).line(s, a, b, lineNo),
    row: (fields) => (builder ??= start()).row(fields),
  };
  parser.feed(text, sink);
  parser.finish(sink);
  return (builder ?? start()).finish();
}

/** Line breaks in the text: an upper bound on the data rows, give or take the last line. */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n === 0 ? 1 : n;
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
