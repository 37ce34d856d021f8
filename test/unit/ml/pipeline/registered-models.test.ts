import { expect } from 'chai';
import { Rng } from '../../../../src/ml/base/random.js';
import { parseCsv } from '../../../../src/ml/data/csv.js';
import { ModelPipeline, type PipelineSpec } from '../../../../src/ml/pipeline/model-pipeline.js';

/** 200 rows: y is 'yes' when 3x (+2 for colour a) is above 1; z is that score; s is a trending, wavy series. */
function dataset(): string {
  const rng = new Rng(3);
  let csv = 'x,colour,noise,y,z,s\n';
  for (let i = 0; i < 200; i++) {
    const x = rng.normal();
    const c = ['a', 'b', 'c'][rng.int(3)];
    const score = 3 * x + (c === 'a' ? 2 : 0);
    const noise = i % 13 === 0 ? '' : rng.normal().toFixed(3);
    csv += `${x.toFixed(4)},${c},${noise},${score > 1 ? 'yes' : 'no'},${score.toFixed(4)},${(10 + 3 * Math.sin(i / 4) + 0.05 * i).toFixed(3)}\n`;
  }
  return csv;
}

const table = parseCsv(dataset());
const train = Int32Array.from({ length: 160 }, (_, i) => i);
const test = Int32Array.from({ length: 40 }, (_, i) => 160 + i);
const features = ['x', 'colour', 'noise'];

describe('ModelPipeline with the registered model types', () => {
  it('trains logistic_regression on text labels and a text feature, and scores well on held-out rows', () => {
    const p = new ModelPipeline({ type: 'logistic_regression', task: 'classification', target: 'y', features }).fit(table, train);
    expect(p.classes).to.deep.equal(['no', 'yes']);
    expect(p.featureNames).to.deep.equal(['x', 'colour=a', 'colour=b', 'colour=c', 'noise']);
    expect(p.evaluate(table, test).accuracy).to.be.greaterThan(0.85);
  });

  it('accepts the xgboost alias with the seed config training block, early stopping included', () => {
    const spec: PipelineSpec = {
      type: 'xgboost',
      task: 'regression',
      target: 'z',
      features,
      hyperparameters: { learning_rate: 0.1, max_depth: 3, n_estimators: 50 },
      training: { validation_split: 0.2, early_stopping: true },
    };
    const p = new ModelPipeline(spec).fit(table, train);
    const text = JSON.stringify(p);
    expect(text).to.equal(JSON.stringify(new ModelPipeline(spec).fit(table, train)));
    const again = ModelPipeline.fromJSON(JSON.parse(text));
    expect(again.predict(table, test)).to.deep.equal(p.predict(table, test));
    expect(p.evaluate(table, test).r2).to.be.greaterThan(0.8);
  });

  it('forecasts a series with holt_winters and scores the forecast', () => {
    const p = new ModelPipeline({ type: 'holt_winters', task: 'timeseries', target: 's', hyperparameters: { trend: 'add' } }).fit(table, train);
    const m = p.evaluate(table, test);
    expect(m.mase).to.be.a('number');
    expect(p.forecast(5)).to.have.length(5);
    expect(ModelPipeline.fromJSON(JSON.parse(JSON.stringify(p))).forecast(5)).to.deep.equal(p.forecast(5));
  });
});
