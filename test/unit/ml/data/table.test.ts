import { expect } from 'chai';
import { DataError } from '../../../../src/ml/base/errors.js';
import {
  concatTables,
  createTable,
  describeColumns,
  getColumn,
  selectColumns,
  selectRows,
  tableFromRecords,
  tableToRecords,
  type Table,
} from '../../../../src/ml/data/table.js';

function sample(): Table {
  return createTable([
    { name: 'age', kind: 'number', values: Float64Array.from([31, NaN, 45]) },
    { name: 'color', kind: 'string', values: ['red', null, 'blue'] },
  ]);
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('table', () => {
  it('finds a column by name', () => {
    expect(getColumn(sample(), 'color').values).to.deep.equal(['red', null, 'blue']);
  });

  it('names the missing column and lists the available ones', () => {
    const err = catchError(() => getColumn(sample(), 'height')) as DataError;
    expect(err).to.be.instanceOf(DataError);
    expect(err.message).to.include("'height'").and.include("'age', 'color'");
    expect(err.details).to.deep.equal({ column: 'height', available: ['age', 'color'] });
  });

  it('rejects columns of different lengths and repeated names', () => {
    expect(() =>
      createTable([
        { name: 'a', kind: 'number', values: new Float64Array(2) },
        { name: 'b', kind: 'number', values: new Float64Array(3) },
      ]),
    ).to.throw(DataError, /'b' has 3 values/);
    expect(() =>
      createTable([
        { name: 'a', kind: 'number', values: new Float64Array(2) },
        { name: 'a', kind: 'string', values: ['x', 'y'] },
      ]),
    ).to.throw(DataError, /more than once/);
  });

  it('selects rows in the given order, repeats allowed', () => {
    const t = selectRows(sample(), [2, 0, 2]);
    expect(t.rowCount).to.equal(3);
    expect(Array.from(getColumn(t, 'age').values as Float64Array)).to.deep.equal([45, 31, 45]);
    expect(getColumn(t, 'color').values).to.deep.equal(['blue', 'red', 'blue']);
  });

  it('rejects a row index out of range', () => {
    expect(() => selectRows(sample(), [0, 3])).to.throw(DataError, /Row index 3 is out of range for a table of 3 rows/);
  });

  it('selects columns in the given order and names every missing one', () => {
    expect(describeColumns(selectColumns(sample(), ['color', 'age']))).to.deep.equal([
      { name: 'color', type: 'string' },
      { name: 'age', type: 'number' },
    ]);
    const err = catchError(() => selectColumns(sample(), ['x', 'age', 'y'])) as DataError;
    expect(err.message).to.match(/Columns 'x', 'y' not found/);
    expect(err.details?.missing).to.deep.equal(['x', 'y']);
  });

  it('concatenates tables with the same schema', () => {
    const t = concatTables([sample(), selectRows(sample(), [1])]);
    expect(t.rowCount).to.equal(4);
    expect(getColumn(t, 'color').values).to.deep.equal(['red', null, 'blue', null]);
    expect(Number.isNaN(getColumn(t, 'age').values[3] as number)).to.equal(true);
  });

  it('refuses to concatenate tables whose columns differ', () => {
    const other = selectColumns(sample(), ['color', 'age']);
    expect(() => concatTables([sample(), other])).to.throw(DataError, /different columns/);
  });

  describe('tableFromRecords', () => {
    it('refuses an empty or blank column name and a name given twice, from records and from a schema alike', () => {
      expect(() => tableFromRecords([{ a: 1, '': 2 }])).to.throw(DataError, /Records: column 2 has an empty name/);
      expect(() => tableFromRecords([{ '  ': 2 }])).to.throw(DataError, /empty name/);
      expect(() => tableFromRecords([{ a: 1 }], [{ name: 'a', kind: 'number' }, { name: 'a', kind: 'string' }])).to.throw(DataError, /Columns: the column name 'a' appears more than once/);
      expect(() => tableFromRecords([{ a: 1 }], [{ name: '', kind: 'number' }])).to.throw(DataError, /empty name/);
    });

    it('infers number and string columns in order of first appearance', () => {
      const t = tableFromRecords([{ a: 1, b: 'x' }, { b: 'y', c: '2.5' }, { a: null, c: 3 }]);
      expect(describeColumns(t)).to.deep.equal([
        { name: 'a', type: 'number' },
        { name: 'b', type: 'string' },
        { name: 'c', type: 'number' },
      ]);
      expect(Array.from(getColumn(t, 'a').values as Float64Array)).to.deep.equal([1, NaN, NaN]);
      expect(getColumn(t, 'b').values).to.deep.equal(['x', 'y', null]);
      expect(Array.from(getColumn(t, 'c').values as Float64Array)).to.deep.equal([NaN, 2.5, 3]);
    });

    it('reads booleans as 1/0 in number columns and as text in string columns', () => {
      const t = tableFromRecords([{ f: true, g: 'yes' }, { f: false, g: false }]);
      expect(Array.from(getColumn(t, 'f').values as Float64Array)).to.deep.equal([1, 0]);
      expect(getColumn(t, 'g').values).to.deep.equal(['yes', 'false']);
    });

    it('treats an empty string and NA markers as missing in number columns', () => {
      const t = tableFromRecords([{ x: '' }, { x: 'NA' }, { x: ' 7 ' }], [{ name: 'x', kind: 'number' }]);
      expect(Array.from(getColumn(t, 'x').values as Float64Array)).to.deep.equal([NaN, NaN, 7]);
    });

    it('coerces to a schema, ignoring extra keys and reading absent keys as missing', () => {
      const t = tableFromRecords([{ age: '42', zip: 2134, extra: 1 }, {}], [
        { name: 'zip', kind: 'string' },
        { name: 'age', kind: 'number' },
      ]);
      expect(describeColumns(t).map((c) => c.name)).to.deep.equal(['zip', 'age']);
      expect(getColumn(t, 'zip').values).to.deep.equal(['2134', null]);
      expect(Array.from(getColumn(t, 'age').values as Float64Array)).to.deep.equal([42, NaN]);
    });

    it('lists every mistyped value with its column and record', () => {
      const err = catchError(() =>
        tableFromRecords([{ age: 'old', c: 'x' }, { age: 3, c: { nested: 1 } }, { age: Infinity, c: 'y' }], [
          { name: 'age', kind: 'number' },
          { name: 'c', kind: 'string' },
        ]),
      ) as DataError;
      expect(err).to.be.instanceOf(DataError);
      expect(err.message).to.include("column 'age' must be a number").and.include('record 0 has "old"');
      expect(err.details).to.deep.equal({
        count: 3,
        mistyped: [
          { column: 'age', index: 0, value: '"old"', expected: 'number' },
          { column: 'age', index: 2, value: 'Infinity', expected: 'number' },
          { column: 'c', index: 1, value: 'an object', expected: 'string' },
        ],
      });
    });

    it('rejects a record that is not an object', () => {
      expect(() => tableFromRecords([{ a: 1 }, [1, 2]])).to.throw(DataError, /Record 1 is an array/);
    });

    it('round-trips through tableToRecords with missing values as null', () => {
      const recs = tableToRecords(sample());
      expect(recs).to.deep.equal([
        { age: 31, color: 'red' },
        { age: null, color: null },
        { age: 45, color: 'blue' },
      ]);
      expect(tableToRecords(tableFromRecords(recs))).to.deep.equal(recs);
    });
  });
});
