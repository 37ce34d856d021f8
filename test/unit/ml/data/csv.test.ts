import { expect } from 'chai';
import { DataError } from '../../../../src/ml/base/errors.js';
import { parseNumber } from '../../../../src/ml/data/coerce.js';
import { csvChunks, CsvStreamParser, parseCsv, rowsToTable, toCsv, type CsvRow } from '../../../../src/ml/data/csv.js';
import { describeColumns, getColumn, type Table } from '../../../../src/ml/data/table.js';

function nums(t: Table, name: string): number[] {
  return Array.from(getColumn(t, name).values as Float64Array);
}

/** Feeds text to a stream parser in pieces of the given size. */
function parseInPieces(text: string, size: number): { header: string[]; rows: CsvRow[] } {
  const p = new CsvStreamParser();
  const rows: CsvRow[] = [];
  for (let i = 0; i < text.length; i += size) rows.push(...p.push(text.slice(i, i + size)));
  rows.push(...p.end());
  return { header: p.header!, rows };
}

describe('csv', () => {
  it('infers number and string columns, empty fields being missing', () => {
    const t = parseCsv('age,color,score\n31,red,1.5\n,blue,\n45,,-2e3\n');
    expect(describeColumns(t)).to.deep.equal([
      { name: 'age', type: 'number' },
      { name: 'color', type: 'string' },
      { name: 'score', type: 'number' },
    ]);
    expect(t.rowCount).to.equal(3);
    expect(nums(t, 'age')).to.deep.equal([31, NaN, 45]);
    expect(getColumn(t, 'color').values).to.deep.equal(['red', 'blue', null]);
    expect(nums(t, 'score')).to.deep.equal([1.5, NaN, -2000]);
  });

  it('makes a column text when any value is not a plain finite number', () => {
    for (const odd of ['0x1F', 'Infinity', '1,000', '1e999', 'abc', '1.2.3', '--1']) {
      const t = parseCsv(`a,b\n1,"${odd}"\n2,3\n`);
      expect(getColumn(t, 'b').kind, odd).to.equal('string');
      expect(getColumn(t, 'a').kind).to.equal('number');
    }
  });

  it('reads NA markers as missing unless quoted', () => {
    const t = parseCsv('x,y\nNA,NA\n1,"NA"\nnull,""\n');
    expect(nums(t, 'x')).to.deep.equal([NaN, 1, NaN]);
    expect(getColumn(t, 'y').values).to.deep.equal([null, 'NA', null]);
  });

  it('handles quoted fields with delimiters, doubled quotes, CRLF and embedded newlines', () => {
    const text = 'id,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\r\nlines"\r\n4,plain\r\n';
    const t = parseCsv(text);
    expect(nums(t, 'id')).to.deep.equal([1, 2, 3, 4]);
    expect(getColumn(t, 'text').values).to.deep.equal(['a, b', 'say "hi"', 'two\r\nlines', 'plain']);
  });

  it('accepts a missing final newline, lone CR line endings, blank lines and a BOM', () => {
    const t = parseCsv('\ufeffa,b\r1,2\r\r3,4');
    expect(describeColumns(t).map((c) => c.name)).to.deep.equal(['a', 'b']);
    expect(nums(t, 'b')).to.deep.equal([2, 4]);
  });

  it('uses another delimiter when asked', () => {
    const t = parseCsv('a;b\n1,5;x\n', { delimiter: ';' });
    expect(getColumn(t, 'a').values).to.deep.equal(['1,5']);
    expect(() => parseCsv('a\n', { delimiter: '"' })).to.throw(DataError, /delimiter/);
  });

  it('rejects ragged rows naming the line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).to.throw(DataError, /CSV line 3 has 1 field, but the header has 2 columns/);
    expect(() => parseCsv('a,b\n"x\ny",2\n1,2,3\n')).to.throw(DataError, /CSV line 4 has 3 fields/);
  });

  it('rejects a missing header, empty names and repeated names', () => {
    expect(() => parseCsv('')).to.throw(DataError, /header row/);
    expect(() => parseCsv('a,,c\n1,2,3\n')).to.throw(DataError, /column 2 has an empty name/);
    expect(() => parseCsv('a, b ,b\n1,2,3\n')).to.throw(DataError, /'b' appears more than once \(columns 2 and 3\)/);
  });

  it('rejects an unclosed quote and text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n')).to.throw(DataError, /never closed/);
    expect(() => parseCsv('a,b\n1,"x"y\n')).to.throw(DataError, /line 2.*doubled/);
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    const text = 'id,text,v\r\n1,"a, ""b""\r\nc",2.5\r\n2,,NA\r\n\r\n3,"",x\r\n4,last,7';
    const whole = parseInPieces(text, text.length);
    expect(whole.rows).to.have.length(4);
    for (const size of [1, 2, 3, 5, 7, 11]) expect(parseInPieces(text, size), `pieces of ${size}`).to.deep.equal(whole);
  });

  it('parses in blocks that rowsToTable types with a schema', () => {
    const p = new CsvStreamParser();
    const rows = p.push('id,zip,x\n1,02134,3\n2,10001');
    const block = rowsToTable(p.header!, rows, { schema: { x: 'number' }, unlisted: 'string' });
    expect(getColumn(block, 'zip').values).to.deep.equal(['02134']);
    expect(getColumn(block, 'id').values).to.deep.equal(['1']);
    const rest = p.push(',oops\n');
    expect(() => rowsToTable(p.header!, rest, { schema: { x: 'number' }, firstRow: 2 })).to.throw(
      DataError,
      /Column 'x' must be numeric, but row 2 has "oops"/,
    );
  });

  it('writes CSV that reads back to the same table', () => {
    const t = parseCsv('n,s\n1.5,"a,b"\n,"q""uote"\n-0.001,NA\n1e-7," pad"\n3,"multi\nline"\n');
    const again = parseCsv(toCsv(t));
    expect(again).to.deep.equal(t);
    expect(getColumn(again, 's').values).to.deep.equal(['a,b', 'q"uote', null, ' pad', 'multi\nline']);
  });

  it('quotes text that would otherwise read back as missing', () => {
    const t: Table = { rowCount: 2, columns: [{ name: 's', kind: 'string', values: ['NA', 'x'] }] };
    expect(toCsv(t)).to.equal('s\n"NA"\nx\n');
    expect(parseCsv(toCsv(t))).to.deep.equal(t);
  });

  it('streams the header first, then blocks of rows', () => {
    const t = parseCsv('a,b\n1,x\n2,y\n3,z\n');
    const chunks = [...csvChunks(t, 2)];
    expect(chunks).to.deep.equal(['a,b\n', '1,x\n2,y\n', '3,z\n']);
    expect(chunks.join('')).to.equal(toCsv(t));
  });

  it('reads plain decimal numbers only', () => {
    expect(parseNumber(' -1.5e3 ')).to.equal(-1500);
    expect(parseNumber('.5')).to.equal(0.5);
    expect(parseNumber('+2')).to.equal(2);
    expect(parseNumber('007')).to.equal(7);
    for (const s of ['', ' ', '0x10', '0b1', '-', '.', '1e', 'e5', '1 2', 'NaN', '-Infinity']) {
      expect(parseNumber(s), JSON.stringify(s)).to.be.NaN;
    }
  });
});
