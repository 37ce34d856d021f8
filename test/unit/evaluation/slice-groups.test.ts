import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { MISSING_LABEL, OTHER_LABEL, sliceGroups } from '../../../src/evaluation/slice-groups.js';

const fixture = JSON.parse(readFileSync(path.resolve('test/fixtures/evaluation.json'), 'utf8')) as {
  quantile_edges: Array<{ x: number[]; bins: number; edges: number[] }>;
};

describe('sliceGroups', () => {
  it('groups a text column by value, missing values together', () => {
    const groups = sliceGroups({ name: 'c', kind: 'string', values: ['a', null, 'b', 'a', null] });
    expect(groups.map((g) => [g.label, Array.from(g.rows)])).to.deep.equal([
      ['a', [0, 3]],
      [MISSING_LABEL, [1, 4]],
      ['b', [2]],
    ]);
  });

  it('gathers the rarest text values into (other) beyond maxGroups', () => {
    const values = ['a', 'a', 'a', 'b', 'b', 'c', 'd'];
    const groups = sliceGroups({ name: 'c', kind: 'string', values }, { maxGroups: 3 });
    expect(groups.map((g) => [g.label, g.rows.length])).to.deep.equal([
      ['a', 3],
      ['b', 2],
      [OTHER_LABEL, 2],
    ]);
  });

  it('keeps each value of a numeric column with few distinct values', () => {
    const groups = sliceGroups({ name: 'n', kind: 'number', values: Float64Array.from([1, 2, 1, NaN, 2]) }, { bins: 4 });
    expect(groups.map((g) => [g.label, Array.from(g.rows)])).to.deep.equal([
      ['1', [0, 2]],
      ['2', [1, 4]],
      [MISSING_LABEL, [3]],
    ]);
  });

  fixture.quantile_edges.forEach((f, k) => {
    it(`bins a numeric column at numpy's quantiles, each row in the bin its value falls in (case ${k})`, () => {
      const groups = sliceGroups({ name: 'x', kind: 'number', values: Float64Array.from(f.x) }, { bins: f.bins });
      const edges = f.edges.filter((e, i) => i === 0 || e > f.edges[i - 1]);
      expect(groups).to.have.length(edges.length - 1);
      groups.forEach((g, b) => {
        const last = b === groups.length - 1;
        for (const r of g.rows) {
          expect(f.x[r]).to.be.at.least(edges[b]);
          if (last) expect(f.x[r]).to.be.at.most(edges[b + 1]);
          else expect(f.x[r]).to.be.below(edges[b + 1]);
        }
        expect(g.label.endsWith(last ? ']' : ')')).to.equal(true);
      });
      expect(groups.reduce((a, g) => a + g.rows.length, 0)).to.equal(f.x.length);
    });
  });
});
