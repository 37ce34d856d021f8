import { DataError } from '../base/errors.js';
import { DEFAULT_NA_VALUES, parseNumber, preview } from './coerce.js';
import type { CsvRow, CsvSink } from './csv-stream-parser.js';
import type { Column, ColumnKind, Table } from './table.js';

/** Options of {@link ColumnBuilder}. */
export interface ColumnBuilderOptions {
  /** @defaultValue ',' */
  delimiter?: string;
  /** @defaultValue DEFAULT_NA_VALUES */
  naValues?: readonly string[];
  /**
   * Kind of each column by position; undefined infers it (number while every
   * value is one). Text in a column forced to 'number' is a DataError.
   */
  kinds?: readonly (ColumnKind | undefined)[];
  /** data row number (1-based) of the first row, for messages @defaultValue 1 */
  firstRow?: number;
  /** rows expected, to size the columns once @defaultValue 1024, doubling as needed */
  expectedRows?: number;
}

function exact(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.slice(0, n);
}

/** Distinct values per text column shared as one string each; past this a column is free text. */
const MAX_INTERNED = 10_000;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Reads a plain decimal (`-12.50`) straight from the text, without making a
 * string; NaN for anything else (exponents, spaces, too many digits), which
 * the caller then reads the slow way. Up to 15 digits the mantissa is exact
 * and one division by an exact power of ten rounds correctly, so the result
 * equals Number()'s.
 */
function fastNumber(s: string, i: number, end: number): number {
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  let c = 0;
  while (i < end && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
    m = m * 10 + c;
    digits++;
    i++;
  }
  if (i < end && s.charCodeAt(i) === 46) {
    i++;
    while (i < end && (c = s.charCodeAt(i) - 48) >= 0 && c <= 9) {
      m = m * 10 + c;
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0 || digits > 15 || i !== end) return NaN;
  const v = frac === 0 ? m : m / POW10[frac];
  return neg ? -v : v;
}

/**
 * A CsvSink that builds typed columns as rows arrive: numbers go straight
 * into Float64Arrays (no per-field strings for plain decimals), and a column
 * turns to text at its first value that is not a number, re-reading the
 * original text of the rows before it (so `007` stays `007`).
 */
export class ColumnBuilder implements CsvSink {
  rowCount = 0;

  private readonly ncols: number;
  private readonly delim: number;
  private readonly na: Set<string>;
  private readonly naMaxLength: number;
  /** false when some NA marker is itself a number: every field is then checked against the markers first */
  private readonly fast: boolean;
  private readonly forced: readonly (ColumnKind | undefined)[];
  private readonly firstRow: number;
  private capacity: number;
  private readonly nums: (Float64Array | null)[];
  private readonly strs: ((string | null)[] | null)[];
  /** where each row's text is, kept while some column may still turn to text */
  private recording: boolean;
  private srcText: string[] = [];
  private srcStart: Int32Array;
  private srcEnd: Int32Array;
  private readonly slowRows = new Map<number, CsvRow>();
  /** per column: distinct text values seen so far, or null once there are too many to share */
  private readonly interned: (Map<string, string> | null)[];

  constructor(
    private readonly header: readonly string[],
    options: ColumnBuilderOptions = {},
  ) {
    this.ncols = header.length;
    this.delim = (options.delimiter ?? ',').charCodeAt(0);
    const na = options.naValues ?? DEFAULT_NA_VALUES;
    this.na = new Set(na);
    this.naMaxLength = Math.max(0, ...na.map((v) => v.length));
    this.fast = !na.some((v) => v !== '' && parseNumber(v) === parseNumber(v));
    this.forced = options.kinds ?? [];
    this.firstRow = options.firstRow ?? 1;
    this.capacity = Math.max(16, options.expectedRows ?? 1024);
    this.srcStart = new Int32Array(this.capacity);
    this.srcEnd = new Int32Array(this.capacity);
    this.nums = header.map((_, j) => (this.forced[j] === 'string' ? null : new Float64Array(this.capacity)));
    this.strs = header.map((_, j) => (this.forced[j] === 'string' ? [] : null));
    this.interned = header.map(() => new Map());
    this.recording = this.nums.some((a, j) => a !== null && this.forced[j] === undefined);
  }

  line(s: string, start: number, end: number, lineNo: number): void {
    const r = this.rowCount;
    if (r === this.capacity) this.grow();
    if (this.recording) {
      this.srcText.push(s);
      this.srcStart[r] = start;
      this.srcEnd[r] = end;
    }
    const d = this.delim;
    const ncols = this.ncols;
    const fast = this.fast;
    let fs = start;
    let j = 0;
    for (;;) {
      if (j === ncols) throw this.ragged(s, start, end, lineNo);
      const nums = this.nums[j];
      let fe = fs;
      if (nums !== null && fast) {
        // One pass reads a plain decimal and finds the field's end (see fastNumber).
        let i = fs;
        let c = i < end ? s.charCodeAt(i) : d;
        let neg = false;
        if (c === 45) {
          neg = true;
          c = ++i < end ? s.charCodeAt(i) : d;
        }
        let m = 0;
        let digits = 0;
        let frac = 0;
        while (c >= 48 && c <= 57) {
          m = m * 10 + (c - 48);
          digits++;
          c = ++i < end ? s.charCodeAt(i) : d;
        }
        if (c === 46) {
          c = ++i < end ? s.charCodeAt(i) : d;
          while (c >= 48 && c <= 57) {
            m = m * 10 + (c - 48);
            digits++;
            frac++;
            c = ++i < end ? s.charCodeAt(i) : d;
          }
        }
        fe = i;
        if (c === d && digits > 0 && digits <= 15) {
          const v = frac === 0 ? m : m / POW10[frac];
          nums[r] = neg ? -v : v;
        } else {
          while (fe < end && s.charCodeAt(fe) !== d) fe++;
          this.putRange(j, r, s, fs, fe);
        }
      } else {
        while (fe < end && s.charCodeAt(fe) !== d) fe++;
        this.putRange(j, r, s, fs, fe);
      }
      j++;
      if (fe >= end) break;
      fs = fe + 1;
    }
    if (j !== ncols) throw this.ragged(s, start, end, lineNo);
    this.rowCount = r + 1;
  }

  row(fields: CsvRow): void {
    const r = this.rowCount;
    if (r === this.capacity) this.grow();
    if (this.recording) {
      this.srcText.push('');
      this.srcStart[r] = -1;
      this.slowRows.set(r, fields);
    }
    for (let j = 0; j < this.ncols; j++) {
      const v = fields[j];
      const nums = this.nums[j];
      if (nums === null) {
        this.strs[j]!.push(this.keep(j, v));
        continue;
      }
      if (v === null) {
        nums[r] = NaN;
        continue;
      }
      const x = parseNumber(v);
      if (x === x) nums[r] = x;
      else this.toText(j, r, v);
    }
    this.rowCount = r + 1;
  }

  /** The table of the rows received so far. */
  finish(): Table {
    const n = this.rowCount;
    const columns = this.header.map(
      (name, j): Column =>
        this.nums[j] ? { name, kind: 'number', values: exact(this.nums[j]!, n) } : { name, kind: 'string', values: this.strs[j]! },
    );
    return { rowCount: n, columns };
  }

  private putRange(j: number, r: number, s: string, fs: number, fe: number): void {
    const nums = this.nums[j];
    if (nums === null) {
      this.strs[j]!.push(this.keep(j, this.text(s, fs, fe)));
      return;
    }
    if (fs === fe) {
      nums[r] = NaN;
      return;
    }
    if (this.fast) {
      const v = fastNumber(s, fs, fe);
      if (v === v) {
        nums[r] = v;
        return;
      }
    }
    const text = s.slice(fs, fe);
    if (text.length <= this.naMaxLength && this.na.has(text)) {
      nums[r] = NaN;
      return;
    }
    const v = parseNumber(text);
    if (v === v) nums[r] = v;
    else this.toText(j, r, text);
  }

  /**
   * The text to store: one shared copy per distinct value while a column has
   * few of them (categories), and never a slice of the input, which would
   * keep the whole input text alive as long as the table.
   */
  private keep(j: number, t: string | null): string | null {
    if (t === null) return null;
    const seen = this.interned[j];
    if (seen) {
      const known = seen.get(t);
      if (known !== undefined) return known;
    }
    // V8 makes slices of 13 or more characters views into the parent string; a concatenation flattens a copy.
    const own = t.length >= 13 ? (' ' + t).slice(1) : t;
    if (seen) {
      if (seen.size < MAX_INTERNED) seen.set(own, own);
      else this.interned[j] = null;
    }
    return own;
  }

  /** An unquoted field's value: null for the empty field and NA markers. */
  private text(s: string, fs: number, fe: number): string | null {
    if (fs === fe) return null;
    const t = s.slice(fs, fe);
    return t.length <= this.naMaxLength && this.na.has(t) ? null : t;
  }

  /** Column j met text at row r: rebuild it as a text column from the rows' original text. */
  private toText(j: number, r: number, value: string): void {
    if (this.forced[j] === 'number') {
      const row = this.firstRow + r;
      throw new DataError(`Column '${this.header[j]}' must be numeric, but row ${row} has ${preview(value)}`, {
        column: this.header[j],
        row,
        value: preview(value),
      });
    }
    const out = new Array<string | null>(r);
    for (let k = 0; k < r; k++) out[k] = this.keep(j, this.originalText(k, j));
    out.push(this.keep(j, value));
    this.strs[j] = out;
    this.nums[j] = null;
    this.recording = this.nums.some((a, c) => a !== null && this.forced[c] === undefined);
    if (!this.recording) {
      this.srcText = [];
      this.slowRows.clear();
    }
  }

  private originalText(k: number, j: number): string | null {
    const start = this.srcStart[k];
    if (start < 0) return this.slowRows.get(k)![j];
    const s = this.srcText[k];
    const end = this.srcEnd[k];
    let fs = start;
    for (let c = 0; c < j; c++) {
      while (s.charCodeAt(fs) !== this.delim) fs++;
      fs++;
    }
    let fe = fs;
    while (fe < end && s.charCodeAt(fe) !== this.delim) fe++;
    return this.text(s, fs, fe);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    for (let j = 0; j < this.ncols; j++) {
      const a = this.nums[j];
      if (a) {
        const b = new Float64Array(cap);
        b.set(a);
        this.nums[j] = b;
      }
    }
    const start = new Int32Array(cap);
    start.set(this.srcStart);
    this.srcStart = start;
    const end = new Int32Array(cap);
    end.set(this.srcEnd);
    this.srcEnd = end;
    this.capacity = cap;
  }

  private ragged(s: string, start: number, end: number, lineNo: number): DataError {
    let fields = 1;
    for (let i = start; i < end; i++) if (s.charCodeAt(i) === this.delim) fields++;
    return new DataError(
      `CSV line ${lineNo} has ${fields} field${fields === 1 ? '' : 's'}, but the header has ${this.ncols} columns`,
      { line: lineNo, fields, columns: this.ncols },
    );
  }
}
