import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Params } from '../../../../src/ml/base/params.js';
import { createSplitter, numpyArgsort, numpyHeapArgsort, type Fold } from '../../../../src/ml/model-selection/index.js';

interface SplitCase {
  splitter: 'KFold' | 'StratifiedKFold' | 'GroupKFold' | 'TimeSeriesSplit';
  params: Params;
  n: number;
  y?: number[];
  groups?: number[] | string[];
  folds: [number[], number[]][];
}

const fixture = JSON.parse(readFileSync(path.resolve('test/fixtures/splitters.json'), 'utf8')) as {
  cases: SplitCase[];
  argsort: { values: number[]; order: number[] }[];
  heapsort: { values: number[]; order: number[] }[];
};

const KIND: Record<SplitCase['splitter'], string> = {
  KFold: 'k_fold',
  StratifiedKFold: 'stratified_k_fold',
  GroupKFold: 'group_k_fold',
  TimeSeriesSplit: 'time_series_split',
};

const plain = (folds: Fold[]) => folds.map(([tr, te]) => [Array.from(tr), Array.from(te)]);

describe('splitters against scikit-learn 1.2 fixtures', () => {
  it('has cases for every deterministic splitter', () => {
    expect(new Set(fixture.cases.map((c) => c.splitter))).to.have.all.keys('KFold', 'StratifiedKFold', 'GroupKFold', 'TimeSeriesSplit');
  });

  for (const c of fixture.cases) {
    const what = `${c.splitter}(${JSON.stringify(c.params)}) on ${c.n} samples${c.groups ? ` in ${new Set(c.groups as unknown[]).size} groups` : ''}`;
    it(`gives scikit-learn's exact indices for ${what}`, () => {
      const splitter = createSplitter(KIND[c.splitter], c.params);
      const y = c.y ? Float64Array.from(c.y) : undefined;
      const folds = [...splitter.split(c.n, y, c.groups)];
      expect(folds).to.have.lengthOf(splitter.getNSplits());
      expect(plain(folds)).to.deep.equal(c.folds);
      for (const [tr, te] of folds) {
        expect(tr).to.be.instanceOf(Int32Array);
        expect(te).to.be.instanceOf(Int32Array);
      }
    });
  }
});

describe('numpyArgsort', () => {
  it("reproduces numpy's quicksort argsort, tie order included", () => {
    for (const { values, order } of fixture.argsort) {
      expect(Array.from(numpyArgsort(values)), `${values.length} values`).to.deep.equal(order);
    }
  });

  it("reproduces numpy's heapsort argsort (the introsort fallback), tie order included", () => {
    for (const { values, order } of fixture.heapsort) {
      expect(Array.from(numpyHeapArgsort(values)), `${values.length} values`).to.deep.equal(order);
    }
  });
});
