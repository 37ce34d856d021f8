import { DataError } from '../base/errors.js';
import { DEFAULT_NA_VALUES } from './coerce.js';
import { checkColumnNames } from './table.js';

/** Options of the CSV readers. */
export interface CsvParseOptions {
  /**
   * Field separator: one character, not a quote or a line break.
   * @defaultValue ','
   */
  delimiter?: string;
  /**
   * Unquoted field values read as missing. A quoted field is always taken
   * literally (`"NA"` is the text NA), except `""`, which is missing.
   * @defaultValue DEFAULT_NA_VALUES (`''`, `NA`, `N/A`, `NaN`, `nan`, `null`, `NULL`, `None`)
   */
  naValues?: readonly string[];
}

/** A data row: one entry per header column; null marks a missing value. */
export type CsvRow = (string | null)[];

/**
 * Where a parser delivers data rows. A line without quotes comes whole
 * (`s.slice(start, end)`, not yet split and not yet checked against the
 * header's width) so that a consumer can scan it without creating strings;
 * any other row comes split, with NA markers already turned into null.
 */
export interface CsvSink {
  line(s: string, start: number, end: number, lineNo: number): void;
  row(fields: CsvRow, lineNo: number): void;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** a quote inside a quoted field: either the first of an escaped pair or the closing quote */
const QUOTE_IN_QUOTED = 3;

export function checkDelimiter(delimiter: string): number {
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DataError(`The CSV delimiter must be one character other than a quote or a line break. Got ${JSON.stringify(delimiter)} instead.`);
  }
  return delimiter.charCodeAt(0);
}

/**
 * An incremental RFC 4180 reader: feed text chunks of any size with `push`
 * (they may split a field, a quote pair or a CRLF anywhere) and get back the
 * data rows completed so far; `end` flushes the last row.
 *
 * Quoted fields may hold delimiters, doubled quotes and line breaks; lines end
 * in LF, CRLF or CR. The first row is the header (available as `header`):
 * names are trimmed, and empty or repeated names are rejected. Every later
 * row must have as many fields as the header (a DataError names the line
 * otherwise). Blank lines are skipped; a leading UTF-8 BOM is dropped.
 */
export class CsvStreamParser {
  /** the header's column names, once the first row has been read */
  header: string[] | undefined;
  /** data rows read so far */
  rowCount = 0;

  private readonly delim: number;
  private readonly delimiter: string;
  private readonly na: Set<string>;
  private readonly naMaxLength: number;
  private state = FIELD_START;
  private field = '';
  private quoted = false;
  private row: CsvRow = [];
  private skipLF = false;
  /** current physical line, 1-based */
  private line = 1;
  /** line on which the current row started */
  private rowLine = 1;
  /** see plainLines; -2 means not searched yet in this chunk */
  private nextQuote = -2;
  private nextCR = -2;
  private started = false;
  private ended = false;

  constructor(options: CsvParseOptions = {}) {
    this.delimiter = options.delimiter ?? ',';
    this.delim = checkDelimiter(this.delimiter);
    this.na = new Set(options.naValues ?? DEFAULT_NA_VALUES);
    this.naMaxLength = Math.max(0, ...[...this.na].map((s) => s.length));
  }

  /** The line the parser has reached (1-based), for messages about the data that follows. */
  get currentLine(): number {
    return this.line;
  }

  /** Reads a chunk; returns the data rows it completed (possibly none). */
  push(chunk: string): CsvRow[] {
    const out: CsvRow[] = [];
    this.feed(chunk, this.arraySink(out));
    return out;
  }

  /** Flushes the last row (a file need not end in a line break) and checks the input was complete. */
  end(): CsvRow[] {
    const out: CsvRow[] = [];
    this.finish(this.arraySink(out));
    return out;
  }

  /**
   * The fast path: whole lines from `i` on with no quote and no CR inside
   * (CRLF endings allowed), handed to the sink unsplit. Returns where it
   * stopped: at a line that needs the state machine, or at an unfinished
   * last line. Kept apart, on locals, so that it optimises on its own.
   */
  private plainLines(s: string, i: number, sink: CsvSink): number {
    // Positions of the next quote and CR in this chunk, kept between calls so each is searched for once.
    let nextQuote = this.nextQuote;
    let nextCR = this.nextCR;
    if (nextQuote !== -1 && nextQuote < i) nextQuote = s.indexOf('"', i);
    if (nextCR !== -1 && nextCR < i) nextCR = s.indexOf('\r', i);
    let line = this.line;
    let rows = 0;
    for (;;) {
      const lf = s.indexOf('\n', i);
      if (lf < 0) break;
      if (nextQuote !== -1 && nextQuote < lf) break;
      if (nextCR !== -1 && nextCR < lf - 1) break;
      const lineEnd = nextCR === lf - 1 ? lf - 1 : lf;
      if (lineEnd > i) {
        sink.line(s, i, lineEnd, line);
        rows++;
      }
      line++;
      i = lf + 1;
      if (nextCR !== -1 && nextCR < i) nextCR = s.indexOf('\r', i);
    }
    this.nextQuote = nextQuote;
    this.nextCR = nextCR;
    this.rowLine = line;
    this.line = line;
    this.rowCount += rows;
    return i;
  }

  private raggedError(fields: number, lineNo: number): DataError {
    const expected = this.header!.length;
    return new DataError(`CSV line ${lineNo} has ${fields} field${fields === 1 ? '' : 's'}, but the header has ${expected} columns`, {
      line: lineNo,
      fields,
      columns: expected,
    });
  }

  private arraySink(out: CsvRow[]): CsvSink {
    return {
      line: (s, start, end, lineNo) => this.splitLine(s.slice(start, end), lineNo, out),
      row: (fields) => out.push(fields),
    };
  }

  /** Reads a chunk, delivering completed data rows to the sink. */
  feed(chunk: string, sink: CsvSink): void {
    if (this.ended) throw new Error('CsvStreamParser: push after end');
    let s = chunk;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    const n = s.length;
    const d = this.delim;
    let i = 0;
    this.nextQuote = -2;
    this.nextCR = -2;
    while (i < n) {
      if (this.state === FIELD_START && this.row.length === 0 && !this.skipLF && this.header) {
        const next = this.plainLines(s, i, sink);
        if (next !== i) {
          i = next;
          continue;
        }
      }
      if (this.skipLF) {
        this.skipLF = false;
        if (s.charCodeAt(i) === LF) {
          i++;
          continue;
        }
      }
      const state = this.state;
      if (state === FIELD_START || state === UNQUOTED) {
        if (state === FIELD_START) {
          if (s.charCodeAt(i) === QUOTE) {
            this.quoted = true;
            this.state = QUOTED;
            i++;
            continue;
          }
          this.state = UNQUOTED;
          this.rowLineIfNew();
        }
        let j = i;
        let c = 0;
        for (; j < n; j++) {
          c = s.charCodeAt(j);
          if (c === d || c === LF || c === CR) break;
        }
        if (j === n) {
          this.field += s.slice(i, n);
          i = n;
          break;
        }
        this.field = this.field === '' ? s.slice(i, j) : this.field + s.slice(i, j);
        i = j + 1;
        this.state = FIELD_START;
        if (c === d) this.endField();
        else this.endLine(c, sink);
      } else if (state === QUOTED) {
        this.rowLineIfNew();
        const j = s.indexOf('"', i);
        const seg = j < 0 ? s.slice(i) : s.slice(i, j);
        for (let k = seg.indexOf('\n'); k >= 0; k = seg.indexOf('\n', k + 1)) this.line++;
        this.field += seg;
        if (j < 0) break;
        i = j + 1;
        this.state = QUOTE_IN_QUOTED;
      } else {
        const c = s.charCodeAt(i);
        i++;
        if (c === QUOTE) {
          this.field += '"';
          this.state = QUOTED;
        } else if (c === d) {
          this.state = FIELD_START;
          this.endField();
        } else if (c === LF || c === CR) {
          this.state = FIELD_START;
          this.endLine(c, sink);
        } else {
          throw new DataError(
            `CSV line ${this.line}: unexpected ${JSON.stringify(String.fromCharCode(c))} after the closing quote of a field; ` +
              `a quote inside a quoted field must be doubled ("")`,
            { line: this.line },
          );
        }
      }
    }
  }

  /** Flushes the last row to the sink and checks the input was complete. */
  finish(sink: CsvSink): void {
    if (this.ended) return;
    if (this.state === QUOTED) {
      throw new DataError(`CSV line ${this.rowLine}: a quoted field is never closed (missing closing quote)`, { line: this.rowLine });
    }
    if (this.state !== FIELD_START || this.row.length > 0) {
      this.state = FIELD_START;
      this.finishRow(sink);
    }
    this.ended = true;
    if (!this.header) throw new DataError('The CSV is empty: a header row with the column names is required');
  }

  private splitLine(line: string, lineNo: number, out: CsvRow[]): void {
    const header = this.header!;
    const row: CsvRow = line.split(this.delimiter);
    if (row.length !== header.length) throw this.raggedError(row.length, lineNo);
    const max = this.naMaxLength;
    for (let j = 0; j < row.length; j++) {
      const f = row[j]!;
      if (f.length <= max && this.na.has(f)) row[j] = null;
    }
    out.push(row);
  }

  private rowLineIfNew(): void {
    if (this.row.length === 0 && this.field === '') this.rowLine = this.line;
  }

  private endField(): void {
    const f = this.field;
    let v: string | null = f;
    if (this.header) {
      if (this.quoted) {
        if (f === '') v = null;
      } else if (f.length <= this.naMaxLength && this.na.has(f)) v = null;
    }
    this.row.push(v);
    this.field = '';
    this.quoted = false;
  }

  private endLine(c: number, sink: CsvSink): void {
    // A line with nothing on it (not even "") is blank: skipped, like pandas does.
    if (!(this.row.length === 0 && this.field === '' && !this.quoted)) this.finishRow(sink);
    this.line++;
    if (c === CR) this.skipLF = true;
  }

  private finishRow(sink: CsvSink): void {
    this.endField();
    const row = this.row;
    this.row = [];
    if (!this.header) {
      this.header = checkHeader(row as string[]);
      return;
    }
    if (row.length !== this.header.length) throw this.raggedError(row.length, this.rowLine);
    this.rowCount++;
    sink.row(row, this.rowLine);
  }
}

function checkHeader(raw: string[]): string[] {
  const names = raw.map((s) => s.trim());
  checkColumnNames(names, 'CSV header');
  return names;
}
