import { expect } from 'chai';
import { parseCsv } from '../../../src/ml/data/csv.js';
import { predictRecords, predictTable } from '../../../src/serving/table-predict.js';
import { fitPipeline, smallCsv } from './model-fixtures.js';

function threeClassCsv(rows = 90): string {
  const lines = ['x1,x2,color,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = (i * 7919) % 100 / 10;
    const x2 = ((i * 104729) % 97) / 25 - 2;
    lines.push(`${x1},${x2},${['red', 'green', 'blue'][i % 3]},${x1 < 3.3 ? 'low' : x1 < 6.6 ? 'mid' : 'high'}`);
  }
  return lines.join('\n') + '\n';
}

describe('predictTable', () => {
  const cases = [
    ['gradient_boosting', 'two classes', smallCsv()],
    ['gradient_boosting', 'three classes', threeClassCsv()],
    ['random_forest', 'two classes', smallCsv()],
    ['random_forest', 'three classes', threeClassCsv()],
    ['logistic_regression', 'three classes', threeClassCsv()],
  ] as const;
  for (const [type, what, csv] of cases) {
    it(`gives exactly ModelPipeline.predict's labels and probabilities for ${type} with ${what}`, () => {
      const table = parseCsv(csv);
      const hyperparameters = type === 'logistic_regression' ? {} : { n_estimators: 7, max_depth: 3, ...(type === 'random_forest' ? { seed: 1, n_jobs: 1 } : {}) };
      const pipeline = fitPipeline({ type, hyperparameters });
      const refit = pipeline.clone().fit(table);
      const expected = refit.predict(table);
      const got = predictTable(refit, table);
      expect(Array.from(got.predictions as ArrayLike<unknown>)).to.deep.equal(expected.predictions);
      expect(got.classes).to.deep.equal(expected.classes);
      const k = expected.classes!.length;
      expected.probabilities!.forEach((row, i) => expect(Array.from(got.probabilities!.data.subarray(i * k, (i + 1) * k))).to.deep.equal(row));
      expect(predictRecords(refit, [{ x1: 5, x2: 0, color: 'red' }])).to.deep.equal(refit.predictRecords([{ x1: 5, x2: 0, color: 'red' }]));
    });
  }

  it('passes regression through unchanged', () => {
    const table = parseCsv(smallCsv());
    const pipeline = fitPipeline({ type: 'gradient_boosting', task: 'regression', target: 'x1', features: ['x2', 'color'] });
    const got = predictTable(pipeline, table);
    expect(got.probabilities).to.equal(null);
    expect(Array.from(got.predictions as ArrayLike<unknown>)).to.deep.equal(pipeline.predict(table).predictions);
  });

  it('names the bad feature of bad instances, like predictRecords', () => {
    expect(() => predictRecords(fitPipeline(), [{ x1: 'lots', x2: 1, color: 'red' }])).to.throw(/x1/);
  });
});
