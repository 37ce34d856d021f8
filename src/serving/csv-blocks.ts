/** A run of whole CSV records, cut at a line break outside quotes. */
export interface CsvBlock {
  text: string;
  /** records (lines outside quotes) in the block; blank lines count */
  lines: number;
  /** 1-based number of the block's first data line */
  firstRow: number;
}

/**
 * Cuts CSV text, arriving in chunks of any size, into blocks of `blockRows`
 * whole records without parsing them, so that blocks can be parsed in other
 * threads. A line break inside a quoted field does not end a record. The
 * first record is the header (`header`, without its line break or a BOM).
 * Memory holds one block plus one chunk. Files whose lines end in a bare CR
 * have no cut points and come out as one block.
 */
export class CsvBlockSplitter {
  header: string | undefined;
  private buf = '';
  /** where scanning resumes */
  private pos = 0;
  /** where the current block starts */
  private start = 0;
  private inQuote = false;
  /** index of the next quote at or after pos; -2: unknown; > buf.length: none in buf */
  private nextQuote = -2;
  private lines = 0;
  private rowsBefore = 0;

  constructor(readonly blockRows: number) {
    if (!Number.isInteger(blockRows) || blockRows < 1) throw new RangeError(`blockRows must be a positive integer, got ${blockRows}`);
  }

  push(chunk: string): CsvBlock[] {
    if (chunk.length === 0) return [];
    if (this.nextQuote > this.buf.length) this.nextQuote = -2;
    this.buf += chunk;
    const out: CsvBlock[] = [];
    this.scan(out);
    return out;
  }

  /** The last block (records after the last full block), if any. */
  end(): CsvBlock[] {
    const rest = this.buf.slice(this.start);
    this.buf = '';
    this.pos = this.start = 0;
    if (this.header === undefined) {
      this.header = cleanHeader(rest);
      return [];
    }
    if (rest.trim() === '') return [];
    const lines = this.lines + (rest.endsWith('\n') ? 0 : 1);
    const block = { text: rest, lines, firstRow: this.rowsBefore + 1 };
    this.rowsBefore += lines;
    this.lines = 0;
    return [block];
  }

  private scan(out: CsvBlock[]): void {
    const s = this.buf;
    const n = s.length;
    let pos = this.pos;
    while (pos < n) {
      if (this.inQuote) {
        const q = s.indexOf('"', pos);
        if (q < 0) {
          pos = n;
          break;
        }
        pos = q + 1;
        this.inQuote = false;
        continue;
      }
      if (this.nextQuote !== -2 && this.nextQuote < pos) this.nextQuote = -2;
      if (this.nextQuote === -2) {
        const q = s.indexOf('"', pos);
        this.nextQuote = q < 0 ? n + 1 : q;
      }
      const nl = s.indexOf('\n', pos);
      const q = this.nextQuote;
      if (q < n && (nl < 0 || q < nl)) {
        pos = q + 1;
        this.inQuote = true;
        continue;
      }
      if (nl < 0) {
        pos = n;
        break;
      }
      pos = nl + 1;
      if (this.header === undefined) {
        this.header = cleanHeader(s.slice(0, nl));
        this.start = pos;
        continue;
      }
      if (++this.lines === this.blockRows) {
        out.push({ text: s.slice(this.start, pos), lines: this.lines, firstRow: this.rowsBefore + 1 });
        this.rowsBefore += this.lines;
        this.lines = 0;
        this.start = pos;
      }
    }
    // Keep only the unfinished block.
    const drop = this.start;
    if (drop > 0) {
      this.buf = s.slice(drop);
      pos -= drop;
      if (this.nextQuote !== -2) this.nextQuote = this.nextQuote > n ? this.buf.length + 1 : this.nextQuote - drop;
      this.start = 0;
    }
    this.pos = pos;
  }
}

function cleanHeader(line: string): string {
  let h = line;
  if (h.charCodeAt(0) === 0xfeff) h = h.slice(1);
  if (h.endsWith('\r')) h = h.slice(0, -1);
  if (h.endsWith('\n')) h = h.slice(0, -1);
  return h;
}
