import { expect } from 'chai';
import { createTable, type Table } from '../../../src/ml/data/table.js';
import { parseDriftProfile } from '../../../src/ml/drift/index.js';
import { fitFinal } from '../../../src/ml/pipeline/fold-task.js';
import { ModelPipeline } from '../../../src/ml/pipeline/model-pipeline.js';
import { referenceProfile } from '../../../src/ml/pipeline/reference-profile.js';

function table(n: number): Table {
  const x = new Float64Array(n);
  const color: (string | null)[] = [];
  const label: string[] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i * 37) % 101;
    color.push(i % 10 === 0 ? null : ['red', 'green', 'blue'][i % 3]);
    label.push(x[i] > 50 ? 'yes' : 'no');
    y[i] = 2 * x[i] + (i % 3);
  }
  return createTable([
    { name: 'x', kind: 'number', values: x },
    { name: 'color', kind: 'string', values: color },
    { name: 'label', kind: 'string', values: label },
    { name: 'y', kind: 'number', values: y },
  ]);
}

function hasNestedArray(v: unknown): boolean {
  if (Array.isArray(v)) return v.some((e) => Array.isArray(e) || hasNestedArray(e));
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasNestedArray);
  return false;
}

describe('reference profile of a training table', () => {
  const data = table(300);

  it('profiles numeric features by quantile bins and categorical ones by frequency, missing values counted', () => {
    const pipeline = new ModelPipeline({ type: 'logistic_regression', task: 'classification', target: 'label', features: ['x', 'color'] }).fit(data);
    const profile = referenceProfile(pipeline, data)!;
    const [x, color] = parseDriftProfile(profile.features).features;
    expect(x.feature).to.equal('x');
    if (x.kind !== 'numeric' || color.kind !== 'categorical') throw new Error('wrong kinds');
    expect(x.bin_edges).to.have.length(9);
    expect(x.bin_fractions.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    expect(x.sample).to.have.length(300);
    expect(color.missing_count).to.equal(30);
    expect(color.categories.slice().sort()).to.deep.equal(['blue', 'green', 'red']);
    expect(profile.rows).to.equal(300);
    expect(profile.predictionSource).to.equal('in_sample');
  });

  it('profiles predicted labels and the target as categories for a classifier', () => {
    const pipeline = new ModelPipeline({ type: 'logistic_regression', task: 'classification', target: 'label', features: ['x'] }).fit(data);
    const profile = referenceProfile(pipeline, data)!;
    const prediction = parseDriftProfile(profile.prediction).features[0];
    const target = parseDriftProfile(profile.target).features[0];
    if (prediction.kind !== 'categorical' || target.kind !== 'categorical') throw new Error('wrong kinds');
    expect(prediction.feature).to.equal('prediction');
    expect(prediction.count).to.equal(300);
    expect(target.counts.reduce((a, b) => a + b, 0)).to.equal(300);
    const yes = data.columns[2].values.filter((v) => v === 'yes').length;
    expect(target.counts[target.categories.indexOf('yes')]).to.equal(yes);
  });

  it('profiles predictions of a regressor as numbers, predicting a strided subset of large tables', () => {
    const pipeline = new ModelPipeline({ type: 'linear_regression', task: 'regression', target: 'y', features: ['x'] }).fit(data);
    const profile = referenceProfile(pipeline, data, { maxPredictionRows: 100 })!;
    const prediction = parseDriftProfile(profile.prediction).features[0];
    expect(prediction.kind).to.equal('numeric');
    expect(prediction.count).to.equal(100);
  });

  it('comes back from the final-fit task as plain JSON without nested arrays', () => {
    const spec = { type: 'logistic_regression', task: 'classification' as const, target: 'label', features: ['x', 'color'] };
    const out = fitFinal({ spec, table: data });
    if (!out.ok) throw new Error(out.error.message);
    expect(out.profile).to.not.equal(null);
    const json = JSON.parse(JSON.stringify(out.profile));
    expect(json).to.deep.equal(out.profile);
    expect(hasNestedArray(json)).to.equal(false);
  });
});
