import { DataError } from '../base/errors.js';
import { ColumnBuilder } from './column-builder.js';
import { CsvStreamParser, type CsvParseOptions, type CsvSink } from './csv-stream-parser.js';
import { columnKinds } from './rows-to-table.js';
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
  private readonly options: CsvTableReaderOptions;
  private readonly blockRows: number;
  private readonly unlisted: 'infer' | 'string';
  private readonly listed: Record<string, ColumnKind> | undefined;
  /** every column's kind, once the first block has fixed them */
  private kinds: ColumnKind[] | undefined;
  private builder: ColumnBuilder | null = null;
  private done: Table[] = [];
  /** data rows in finished blocks */
  private emitted = 0;
  private readonly sink: CsvSink;

  constructor(options: CsvTableReaderOptions = {}) {
    this.parser = new CsvStreamParser(options);
    this.options = options;
    this.listed = schemaRecord(options.schema);
    this.unlisted = options.unlisted ?? 'infer';
    this.blockRows = options.blockRows ?? 10_000;
    if (!(Number.isInteger(this.blockRows) && this.blockRows >= 1)) {
      throw new RangeError(`options.blockRows must be a positive integer, got ${this.blockRows}`);
    }
    this.sink = {
      line: (s, start, end, lineNo) => {
        try {
          this.current().line(s, start, end, lineNo);
        } catch (err) {
          throw this.explain(err);
        }
        this.flushIfFull();
      },
      row: (fields) => {
        try {
          this.current().row(fields);
        } catch (err) {
          throw this.explain(err);
        }
        this.flushIfFull();
      },
    };
  }

  /** The header's column names, once read. */
  get header(): string[] | undefined {
    return this.parser.header;
  }

  /** The kinds of every column, fixed by the first block. */
  get schema(): ColumnSpec[] | undefined {
    const header = this.parser.header;
    if (!this.kinds || !header) return undefined;
    return header.map((name, j) => ({ name, kind: this.kinds![j] }));
  }

  push(chunk: string): Table[] {
    this.parser.feed(chunk, this.sink);
    return this.take();
  }

  end(): Table[] {
    this.parser.finish(this.sink);
    // A file with a header and no rows still yields one (empty) table.
    if (this.builder || !this.kinds) this.flush();
    return this.take();
  }

  /** Text in a column whose kind the first block decided: say so, and how to read such a file. */
  private explain(err: unknown): unknown {
    const column = err instanceof DataError ? err.details?.column : undefined;
    if (!this.kinds || typeof column !== 'string' || (this.listed && Object.hasOwn(this.listed, column))) return err;
    return new DataError(
      `${(err as DataError).message}. The column's kind was inferred from the first ${this.blockRows} rows; ` +
        `give it in the schema (as 'string') to read such a file.`,
      (err as DataError).details,
    );
  }

  private take(): Table[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  private current(): ColumnBuilder {
    if (this.builder) return this.builder;
    const header = this.parser.header!;
    const kinds = this.kinds ?? columnKinds(header, { schema: this.listed, unlisted: this.unlisted });
    this.builder = new ColumnBuilder(header, {
      delimiter: this.options.delimiter,
      naValues: this.options.naValues,
      kinds,
      firstRow: this.emitted + 1,
      expectedRows: this.blockRows,
    });
    return this.builder;
  }

  private flushIfFull(): void {
    if (this.builder!.rowCount >= this.blockRows) this.flush();
  }

  private flush(): void {
    let table: Table;
    try {
      table = this.current().finish();
    } finally {
      this.builder = null;
    }
    this.kinds ??= table.columns.map((c) => c.kind);
    this.emitted += table.rowCount;
    this.done.push(table);
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
