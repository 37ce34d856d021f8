import { expect } from 'chai';
import { DataError } from '../../../../src/ml/base/errors.js';
import { Rng } from '../../../../src/ml/base/random.js';
import { CsvStreamParser, CsvTableReader, parseCsv, rowsToTable, type CsvRow } from '../../../../src/ml/data/csv.js';
import { concatTables, getColumn, type Table } from '../../../../src/ml/data/table.js';

/** The reference path: rows as strings, then typed by rowsToTable. */
function viaRows(text: string, naValues?: string[]): Table {
  const p = new CsvStreamParser({ naValues });
  const rows: CsvRow[] = p.push(text);
  rows.push(...p.end());
  return rowsToTable(p.header!, rows);
}

const CELLS = ['1', '-2.5', '007', '1e3', '.5', '-0', '12345678901234567', '3.14159265358979', ' 4', '', 'NA', 'abc', '"q,uoted"', '"a ""b"""', '"x\ny"', '-', '1.', '0x10'];

function randomCsv(rng: Rng, rows: number, cols: number, textyColumns: Set<number>): string {
  const lines = [Array.from({ length: cols }, (_, j) => `c${j}`).join(',')];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < cols; j++) {
      // Numeric-looking cells mostly; texty columns get a non-number somewhere late.
      const pick = textyColumns.has(j) && i === rows - 2 ? 'late text' : CELLS[rng.int(textyColumns.has(j) ? CELLS.length : 10)];
      cells.push(pick);
    }
    lines.push(cells.join(','));
  }
  return lines.join(rng.next() < 0.5 ? '\n' : '\r\n') + (rng.next() < 0.5 ? '\n' : '');
}

describe('ColumnBuilder (the columnar path of parseCsv)', () => {
  it('types and reads every value exactly as the row path does, on random files', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 40; trial++) {
      const text = randomCsv(rng, 1 + rng.int(30), 1 + rng.int(5), new Set([rng.int(5), rng.int(5)]));
      expect(parseCsv(text), text).to.deep.equal(viaRows(text));
    }
  });

  it('keeps the original text of earlier rows when a column turns out to be text', () => {
    const t = parseCsv('a,b\n007,1\n"1.50",2\n 3 ,x\n4e0,\nNA,y\n');
    expect(getColumn(t, 'a').kind).to.equal('number');
    expect(getColumn(t, 'b').values).to.deep.equal(['1', '2', 'x', null, 'y']);
    const u = parseCsv('a\n007\n1.50\n"q"\n');
    expect(getColumn(u, 'a').values).to.deep.equal(['007', '1.50', 'q']);
  });

  it('reads numbers beyond the fast path exactly', () => {
    const values = ['0.1', '-0.30000000000000004', '123456789012345678', '1e-300', '2.5E+3', '9007199254740993', '0.000001'];
    const t = parseCsv(`x\n${values.join('\n')}\n`);
    expect(Array.from(getColumn(t, 'x').values as Float64Array)).to.deep.equal(values.map(Number));
  });

  it('checks NA markers first when one of them is a number', () => {
    const t = parseCsv('x,y\n-999,1\n5,-999\n', { naValues: ['', '-999'] });
    expect(Array.from(getColumn(t, 'x').values as Float64Array)).to.deep.equal([NaN, 5]);
    expect(Array.from(getColumn(t, 'y').values as Float64Array)).to.deep.equal([1, NaN]);
    expect(t).to.deep.equal(viaRows('x,y\n-999,1\n5,-999\n', ['', '-999']));
  });

  it('names the row of text in a column the schema makes numeric', () => {
    expect(() => parseCsv('id,x\n1,2\n2,"n/a"\n', { schema: { x: 'number' } })).to.throw(DataError, /Column 'x' must be numeric, but row 2 has "n\/a"/);
  });

  it('rejects ragged lines on the columnar path too, naming the line', () => {
    expect(() => parseCsv('a,b\n1,2\n1,2,3\n')).to.throw(DataError, /CSV line 3 has 3 fields, but the header has 2 columns/);
    expect(() => parseCsv('a,b\n1,2\n1\n')).to.throw(DataError, /CSV line 3 has 1 field,/);
  });

  it('gives the same blocks from the reader as parseCsv gives at once', () => {
    const rng = new Rng(5);
    const text = randomCsv(rng, 57, 4, new Set([2]));
    const reader = new CsvTableReader({ blockRows: 8, unlisted: 'string' });
    const blocks: Table[] = [];
    for (let i = 0; i < text.length; i += 13) blocks.push(...reader.push(text.slice(i, i + 13)));
    blocks.push(...reader.end());
    expect(blocks.map((b) => b.rowCount).reduce((a, b) => a + b, 0)).to.equal(57);
    expect(concatTables(blocks)).to.deep.equal(parseCsv(text, { unlisted: 'string' }));
  });
});
