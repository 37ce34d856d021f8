import { expect } from 'chai';
import { DataError } from '../../../../src/ml/base/errors.js';
import { CsvTableReader, parseCsv, readCsvTables } from '../../../../src/ml/data/csv.js';
import { concatTables, describeColumns, getColumn, type Table } from '../../../../src/ml/data/table.js';

function csvOf(n: number): string {
  let s = 'id,score,label\n';
  for (let i = 0; i < n; i++) s += `${i},${(i * 0.25).toFixed(2)},${i % 3 === 0 ? 'x' : 'y'}\n`;
  return s;
}

async function* bytesOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('CsvTableReader', () => {
  it('yields blocks of blockRows rows that together equal parseCsv', () => {
    const text = csvOf(23);
    const reader = new CsvTableReader({ blockRows: 5 });
    const blocks: Table[] = [];
    for (let i = 0; i < text.length; i += 17) blocks.push(...reader.push(text.slice(i, i + 17)));
    blocks.push(...reader.end());
    expect(blocks.map((b) => b.rowCount)).to.deep.equal([5, 5, 5, 5, 3]);
    expect(concatTables(blocks)).to.deep.equal(parseCsv(text));
    expect(reader.schema).to.deep.equal([
      { name: 'id', kind: 'number' },
      { name: 'score', kind: 'number' },
      { name: 'label', kind: 'string' },
    ]);
  });

  it('keeps the kinds of the first block and names the row of a value that no longer fits', () => {
    const text = 'a,b\n1,2\n3,4\n5,oops\n';
    const reader = new CsvTableReader({ blockRows: 2 });
    expect(reader.push(text.slice(0, 12))).to.have.length(1);
    expect(() => [...reader.push(text.slice(12)), ...reader.end()]).to.throw(DataError, /Column 'b' must be numeric, but row 3 has "oops".*inferred from the first 2 rows/);
  });

  it('applies a schema and keeps unlisted columns as raw text when asked', () => {
    const reader = new CsvTableReader({ schema: [{ name: 'score', kind: 'number' }], unlisted: 'string' });
    const [t] = [...reader.push('id,score,zip\n1,2.5,02134\n'), ...reader.end()];
    expect(describeColumns(t)).to.deep.equal([
      { name: 'id', type: 'string' },
      { name: 'score', type: 'number' },
      { name: 'zip', type: 'string' },
    ]);
    expect(getColumn(t, 'zip').values).to.deep.equal(['02134']);
  });

  it('rejects a schema column that the file lacks', () => {
    const reader = new CsvTableReader({ schema: { age: 'number' } });
    expect(() => [...reader.push('id\n1\n'), ...reader.end()]).to.throw(DataError, /Column 'age' not found/);
  });

  it('gives one empty table for a file with only a header', () => {
    const reader = new CsvTableReader();
    const blocks = [...reader.push('a,b\n'), ...reader.end()];
    expect(blocks).to.have.length(1);
    expect(blocks[0].rowCount).to.equal(0);
    expect(describeColumns(blocks[0]).map((c) => c.name)).to.deep.equal(['a', 'b']);
  });

  it('reads UTF-8 bytes from an async source, multi-byte characters split across chunks', async () => {
    const text = 'name,n\nZoë,1\n"日本, 東京",2\nçà,3\n';
    const blocks: Table[] = [];
    for await (const t of readCsvTables(bytesOf(text, 3), { blockRows: 2 })) blocks.push(t);
    expect(blocks.map((b) => b.rowCount)).to.deep.equal([2, 1]);
    expect(concatTables(blocks)).to.deep.equal(parseCsv(text));
  });
});
