import { expect } from 'chai';
import fc from 'fast-check';
import { CsvDescriber } from '../../../../src/ml/data/csv-describer.js';
import { parseCsv } from '../../../../src/ml/data/csv.js';
import { describeColumns } from '../../../../src/ml/data/table.js';

/** The describer's shape, fed in pieces of the given sizes, or the error it raised. */
function describe_(text: string, cuts: number[], blockRows: number, schema?: Record<string, 'number' | 'string'>): unknown {
  try {
    const d = new CsvDescriber({ blockRows, schema });
    let at = 0;
    for (const n of cuts) {
      d.push(text.slice(at, at + n));
      at += n;
    }
    d.push(text.slice(at));
    const shape = d.end();
    return { rowCount: shape.rowCount, columns: shape.columns.map((c) => ({ name: c.name, type: c.kind })) };
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

function whole(text: string, schema?: Record<string, 'number' | 'string'>): unknown {
  try {
    const t = parseCsv(text, { schema });
    return { rowCount: t.rowCount, columns: describeColumns(t) };
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

const field = fc.oneof(
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), weight: 4 },
  { arbitrary: fc.integer({ min: -999, max: 999 }).map(String), weight: 4 },
  { arbitrary: fc.constantFrom('', 'NA', 'null', 'n/a', ' 7 ', '1e3', '0x10', 'abc', '"q,uoted"', '"5"', '-', '.5', 'Infinity'), weight: 2 },
);

describe('CsvDescriber: a CSV\'s shape from pieces, as parseCsv sees the whole', () => {
  it('gives the columns, kinds and row count parseCsv gives, for any table cut anywhere, in blocks of any size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((ncols) => fc.tuple(fc.constant(ncols), fc.array(fc.array(field, { minLength: ncols, maxLength: ncols }), { maxLength: 40 }))),
        fc.array(fc.nat(60), { maxLength: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('\n', '\r\n'),
        ([ncols, rows], cuts, blockRows, eol) => {
          const header = Array.from({ length: ncols }, (_, j) => `c${j}`).join(',');
          const text = [header, ...rows.map((r) => r.join(','))].join(eol) + eol;
          expect(describe_(text, cuts, blockRows)).to.deep.equal(whole(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps a column numeric until its last block says otherwise, and refuses text in a declared number column with its row', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i === 27 ? 'late text' : i * 2}`);
    const text = `a,b\n${rows.join('\n')}\n`;
    expect(describe_(text, [7, 50], 5)).to.deep.equal({ rowCount: 30, columns: [{ name: 'a', type: 'number' }, { name: 'b', type: 'string' }] });
    expect(describe_(text, [], 5, { b: 'number' })).to.match(/Column 'b' must be numeric, but row 28 has/);
    expect(describe_(text, [], 5, { a: 'string' })).to.deep.equal({ rowCount: 30, columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }] });
  });

  it('raises the parser\'s errors: a ragged row, a repeated column, a declared column that is not there', () => {
    expect(describe_('a,b\n1,2\n3\n', [], 10)).to.match(/line 3 has 1 field/);
    expect(describe_('a,a\n1,2\n', [], 10)).to.match(/appears more than once/);
    expect(describe_('a,b\n1,2\n', [], 10, { c: 'number' })).to.match(/Column 'c' not found/);
  });
});
