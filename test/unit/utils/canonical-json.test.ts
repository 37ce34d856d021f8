import { expect } from 'chai';
import { canonicalJson, instanceKey } from '../../../src/utils/canonical-json.js';

describe('canonical instance keys', () => {
  it('gives the same key whatever the order of the keys, at every level', () => {
    expect(instanceKey({ a: 1, b: 'x', c: { d: 2, e: [1, { g: 1, f: 2 }] } })).to.equal(instanceKey({ c: { e: [1, { f: 2, g: 1 }], d: 2 }, b: 'x', a: 1 }));
  });

  it('tells apart values that differ only in type or in one field', () => {
    expect(instanceKey({ a: 1 })).to.not.equal(instanceKey({ a: '1' }));
    expect(instanceKey({ a: 1, b: 2 })).to.not.equal(instanceKey({ a: 1, b: 3 }));
    expect(instanceKey({ a: null })).to.not.equal(instanceKey({}));
  });

  it('writes sorted JSON and drops undefined fields like JSON does', () => {
    expect(canonicalJson({ b: 1, a: [true, null], c: undefined })).to.equal('{"a":[true,null],"b":1}');
    expect(JSON.parse(canonicalJson({ 'x"y': 'q' }))).to.deep.equal({ 'x"y': 'q' });
  });
});
