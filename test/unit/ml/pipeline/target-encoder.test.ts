import { expect } from 'chai';
import { DataError } from '../../../../src/ml/base/errors.js';
import type { Column } from '../../../../src/ml/data/table.js';
import { ClassEncoder, numericTarget } from '../../../../src/ml/pipeline/target-encoder.js';

const text = (values: (string | null)[]): Column => ({ name: 'y', kind: 'string', values });
const nums = (values: number[]): Column => ({ name: 'y', kind: 'number', values: Float64Array.from(values) });

describe('ClassEncoder', () => {
  it('codes labels in sorted order and decodes them back', () => {
    const enc = ClassEncoder.fit(text(['b', 'a', 'c', 'a']));
    expect(enc.classes).to.deep.equal(['a', 'b', 'c']);
    const { codes, unseen } = enc.encode(text(['c', 'a']));
    expect(Array.from(codes)).to.deep.equal([2, 0]);
    expect(unseen).to.deep.equal([]);
    expect(enc.decode(codes)).to.deep.equal(['c', 'a']);
  });

  it('sorts numeric labels numerically', () => {
    expect(ClassEncoder.fit(nums([10, 9, -1, 10])).classes).to.deep.equal([-1, 9, 10]);
  });

  it('gives unseen labels codes after the known ones', () => {
    const enc = ClassEncoder.fit(nums([0, 1]));
    const { codes, unseen } = enc.encode(nums([1, 5, 7, 5]));
    expect(Array.from(codes)).to.deep.equal([1, 2, 3, 2]);
    expect(unseen).to.deep.equal([5, 7]);
  });

  it('reads numeric text against numeric labels', () => {
    const enc = ClassEncoder.fit(nums([0, 1]));
    expect(Array.from(enc.encode(text(['1', '0'])).codes)).to.deep.equal([1, 0]);
  });

  it('round-trips through JSON and rejects unsorted classes', () => {
    const enc = ClassEncoder.fit(text(['x', 'y']));
    expect(ClassEncoder.fromJSON(JSON.parse(JSON.stringify(enc.toJSON()))).classes).to.deep.equal(['x', 'y']);
    expect(() => ClassEncoder.fromJSON({ labelKind: 'string', classes: ['y', 'x'] })).to.throw(DataError, /sorted/);
    expect(() => ClassEncoder.fromJSON({ labelKind: 'number', classes: [0, '1'] })).to.throw(DataError, /finite number/);
  });
});

describe('numericTarget', () => {
  it('parses numeric text and names the row of anything else', () => {
    expect(Array.from(numericTarget(text(['1.5', '2']), undefined, 'regression'))).to.deep.equal([1.5, 2]);
    expect(() => numericTarget(text(['1', 'two']), [1], 'regression')).to.throw(DataError, /row 2 has "two"/);
  });

  it('rejects missing values, counting them', () => {
    expect(() => numericTarget(nums([1, NaN, NaN]), undefined, 'regression')).to.throw(DataError, /2 missing values \(the first at row 2\)/);
  });
});
