import { parseNumber } from './coerce.js';
import { CsvTableReader, type CsvTableReaderOptions } from './csv-table-reader.js';
import type { ColumnKind, ColumnSpec } from './table.js';

/** What a CSV holds, without its rows: the header's columns with their kinds, and how many data rows. */
export interface CsvShape {
  columns: ColumnSpec[];
  rowCount: number;
}

/**
 * Learns a CSV's shape from text pushed in pieces, holding about one block of
 * rows at a time, so a file of any size can be checked on its way to storage.
 * Kinds follow parseCsv's whole-file rule: a column not in `schema` is
 * numeric when every present value in the whole file is a number; a column
 * the schema lists must fit it (a DataError names the row). Ragged rows and
 * bad headers raise the parser's DataErrors as they arrive.
 */
export class CsvDescriber {
  private readonly reader: CsvTableReader;
  private readonly listed: Readonly<Record<string, ColumnKind>>;
  /** per header column: still numeric (inferred columns only) */
  private numeric: boolean[] | null = null;
  private rows = 0;

  constructor(options: Pick<CsvTableReaderOptions, 'delimiter' | 'naValues' | 'blockRows'> & { schema?: Readonly<Record<string, ColumnKind>> } = {}) {
    this.listed = options.schema ?? {};
    // unlisted columns as raw text: their kind is decided over every block below, not by the first
    this.reader = new CsvTableReader({ ...options, schema: options.schema, unlisted: 'string', blockRows: options.blockRows ?? 10_000 });
  }

  /** The header's column names, once its line has arrived. */
  get header(): string[] | undefined {
    return this.reader.header;
  }

  /** Data rows read so far (counted a block at a time). */
  get rowCount(): number {
    return this.rows;
  }

  push(text: string): void {
    for (const block of this.reader.push(text)) this.fold(block.columns, block.rowCount);
  }

  end(): CsvShape {
    for (const block of this.reader.end()) this.fold(block.columns, block.rowCount);
    const header = this.reader.header ?? [];
    return {
      rowCount: this.rows,
      columns: header.map((name, j) => ({ name, kind: Object.hasOwn(this.listed, name) ? this.listed[name] : this.numeric![j] ? 'number' : 'string' })),
    };
  }

  private fold(columns: ReadonlyArray<{ kind: ColumnKind; values: unknown }>, rowCount: number): void {
    this.numeric ??= columns.map(() => true);
    columns.forEach((c, j) => {
      if (!this.numeric![j] || c.kind !== 'string') return;
      const values = c.values as ReadonlyArray<string | null>;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const x = v === null ? 0 : parseNumber(v);
        if (x !== x) {
          this.numeric![j] = false;
          return;
        }
      }
    });
    this.rows += rowCount;
  }
}
