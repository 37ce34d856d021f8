import { DataError } from '../base/errors.js';
import { CsvStreamParser, type CsvParseOptions, type CsvRow } from './csv-stream-parser.js';
import { rowsToTable } from './rows-to-table.js';
import type { ColumnKind, ColumnSpec, Table } from './table.js';

/** Options of {@link CsvTableReader} and {@link readCsvTables}. */
export interface CsvTableReaderOptions extends CsvParseOptions {
  /**
   * Kinds of some or all columns, e.g. a model's featureSchema. A listed
   * column must exist; text in a listed number column is a DataError naming
   * the row.
   * @defaultValue none
   */
  schema?: Readonly<Record<string, ColumnKind>> | readonly ColumnSpec[];
  /**
   * Columns the schema does not list: `'infer'` decides each one's kind from
   * the first block and keeps it for the rest of the file (a later value that
   * does not fit is a DataError); `'string'` keeps their raw text, which is
   * the safe choice for columns only passed through.
   * @defaultValue 'infer'
   */
  unlisted?: 'infer' | 'string';
  /**
   * Rows per block: memory is bounded by about one block of parsed rows.
   * @defaultValue 10000
   */
  blockRows?: number;
}

function schemaRecord(schema: CsvTableReaderOptions['schema']): Record<string, ColumnKind> | undefined {
  if (!schema) return undefined;
  if (!Array.isArray(schema)) return { ...(schema as Record<string, ColumnKind>) };
  const out: Record<string, ColumnKind> = {};
  for (const c of schema as readonly ColumnSpec[]) out[c.name] = c.kind;
  return out;
}

/**
 * Reads a large CSV as a sequence of Tables of `blockRows` rows with the same
 * schema, so a million-row file is processed block by block (batch
 * prediction) without holding every row. Feed text with `push`, finish with
 * `end`; both return the blocks completed so far.
 */
export class CsvTableReader {
  private readonly parser: CsvStreamParser;
  private readonly blockRows: number;
  private readonly unlisted: 'infer' | 'string';
  private kinds: Record<string, ColumnKind> | undefined;
  /** columns the caller's schema names */
  private readonly listed: Set<string>;
  private fixed = false;
  private pending: CsvRow[] = [];
  /** data rows handed out in blocks so far */
  private emitted = 0;

  constructor(options: CsvTableReaderOptions = {}) {
    this.parser = new CsvStreamParser(options);
    this.kinds = schemaRecord(options.schema);
    this.listed = new Set(Object.keys(this.kinds ?? {}));
    this.unlisted = options.unlisted ?? 'infer';
    this.blockRows = options.blockRows ?? 10_000;
    if (!(Number.isInteger(this.blockRows) && this.blockRows >= 1)) {
      throw new RangeError(`options.blockRows must be a positive integer, got ${this.blockRows}`);
    }
  }

  /** The header's column names, once read. */
  get header(): string[] | undefined {
    return this.parser.header;
  }

  /** The kinds of every column, fixed by the first block. */
  get schema(): ColumnSpec[] | undefined {
    if (!this.fixed || !this.parser.header) return undefined;
    return this.parser.header.map((name) => ({ name, kind: this.kinds![name] }));
  }

  push(chunk: string): Table[] {
    for (const row of this.parser.push(chunk)) this.pending.push(row);
    return this.drain(false);
  }

  end(): Table[] {
    for (const row of this.parser.end()) this.pending.push(row);
    return this.drain(true);
  }

  private drain(final: boolean): Table[] {
    const out: Table[] = [];
    const all = this.pending;
    let start = 0;
    while (all.length - start >= this.blockRows) {
      out.push(this.block(all.slice(start, start + this.blockRows)));
      start += this.blockRows;
    }
    // A file with a header and no rows still yields one (empty) table.
    if (final && (all.length > start || !this.fixed)) {
      out.push(this.block(all.slice(start)));
      start = all.length;
    }
    this.pending = start === 0 ? all : all.slice(start);
    return out;
  }

  private block(rows: CsvRow[]): Table {
    const header = this.parser.header!;
    const firstRow = this.emitted + 1;
    let table: Table;
    if (this.fixed) {
      try {
        table = rowsToTable(header, rows, { schema: this.kinds, firstRow });
      } catch (err) {
        const column = err instanceof DataError ? err.details?.column : undefined;
        if (err instanceof DataError && typeof column === 'string' && !this.listed.has(column)) {
          throw new DataError(
            `${err.message}. The column's kind was inferred from the first ${this.blockRows} rows; ` +
              `give it in the schema (as 'string') to read such a file.`,
            err.details,
          );
        }
        throw err;
      }
    } else {
      table = rowsToTable(header, rows, { schema: this.kinds, unlisted: this.unlisted, firstRow });
      this.kinds = {};
      for (const c of table.columns) this.kinds[c.name] = c.kind;
      this.fixed = true;
    }
    this.emitted += rows.length;
    return table;
  }
}

/**
 * Reads CSV text or UTF-8 bytes from any async source (a file or GridFS
 * stream, a fetch body) as Tables of `blockRows` rows; see CsvTableReader.
 * A file with a header and no rows gives one empty Table.
 */
export async function* readCsvTables(
  source: AsyncIterable<string | Uint8Array>,
  options: CsvTableReaderOptions = {},
): AsyncGenerator<Table, void, undefined> {
  const reader = new CsvTableReader(options);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* reader.push(text);
  }
  const rest = decoder.decode();
  if (rest) yield* reader.push(rest);
  yield* reader.end();
}
