import { expect } from 'chai';
import { CsvBlockSplitter, type CsvBlock } from '../../../src/serving/csv-blocks.js';

function split(text: string, blockRows: number, chunkSize: number): { header: string | undefined; blocks: CsvBlock[] } {
  const s = new CsvBlockSplitter(blockRows);
  const blocks: CsvBlock[] = [];
  for (let i = 0; i < text.length; i += chunkSize) blocks.push(...s.push(text.slice(i, i + chunkSize)));
  blocks.push(...s.end());
  return { header: s.header, blocks };
}

describe('CsvBlockSplitter', () => {
  const csv = 'a,b\n' + Array.from({ length: 10 }, (_, i) => `${i},x${i}`).join('\n') + '\n';

  it('cuts whole lines into blocks of blockRows, whatever the chunk size', () => {
    for (const chunk of [1, 3, 7, 1000]) {
      const { header, blocks } = split(csv, 4, chunk);
      expect(header).to.equal('a,b');
      expect(blocks.map((b) => b.lines)).to.deep.equal([4, 4, 2]);
      expect(blocks.map((b) => b.firstRow)).to.deep.equal([1, 5, 9]);
      expect(blocks.map((b) => b.text).join('')).to.equal(csv.slice(4));
      for (const b of blocks) expect(b.text.endsWith('\n')).to.equal(true);
    }
  });

  it('never cuts inside a quoted field that holds line breaks and escaped quotes', () => {
    const quoted = 'id,text\n1,"one\nline ""two"",\nthree"\n2,plain\n3,"x\ny"\n4,z\n';
    for (const chunk of [1, 2, 5, 100]) {
      const { blocks } = split(quoted, 1, chunk);
      expect(blocks.map((b) => b.text)).to.deep.equal(['1,"one\nline ""two"",\nthree"\n', '2,plain\n', '3,"x\ny"\n', '4,z\n']);
    }
  });

  it('keeps a last line without a line break, drops a BOM and a CR from the header', () => {
    const { header, blocks } = split('\ufeffa,b\r\n1,2\r\n3,4', 10, 3);
    expect(header).to.equal('a,b');
    expect(blocks).to.deep.equal([{ text: '1,2\r\n3,4', lines: 2, firstRow: 1 }]);
  });

  it('reads a header-only file as a header and no blocks', () => {
    expect(split('a,b\n', 5, 2)).to.deep.equal({ header: 'a,b', blocks: [] });
    expect(split('a,b', 5, 2)).to.deep.equal({ header: 'a,b', blocks: [] });
  });
});
