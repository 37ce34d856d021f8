import { expect } from 'chai';
import { tableFromRecords, type Table } from '../../../src/ml/data/table.js';
import { ModelPipeline } from '../../../src/ml/pipeline/model-pipeline.js';
import { evaluateModel, evaluateTask, worstFirst, type EvaluatePayload } from '../../../src/evaluation/evaluate-model.js';

function data(n: number, seed: number, extraLabel?: string): Table {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const rows = [];
  for (let i = 0; i < n; i++) {
    const x = rand() * 10;
    const g = i % 2 ? 'a' : 'b';
    rows.push({ x, g, label: extraLabel && i === 0 ? extraLabel : x + (rand() - 0.5) * 3 > 5 ? 'yes' : 'no', y: 2 * x + rand() });
  }
  return tableFromRecords(rows);
}

const train = data(120, 1);
const clf = new ModelPipeline({ type: 'logistic_regression', task: 'classification', target: 'label', features: ['x'] }).fit(train);
const reg = new ModelPipeline({ type: 'linear_regression', task: 'regression', target: 'y', features: ['x'] }).fit(train);

function payload(model: ModelPipeline, table: Table, over: Partial<EvaluatePayload> = {}): EvaluatePayload {
  return { model: model.toJSON(), table, target: model.spec.target, slices: [], sensitiveFeatures: [], primaryMetric: model.task === 'classification' ? 'accuracy' : 'r2', ...over };
}

describe('evaluateModel', () => {
  const test = data(80, 9);

  it("gives the pipeline's own metrics for the whole table", () => {
    const report = evaluateModel(payload(clf, test));
    const expected = clf.evaluate(test);
    for (const [k, v] of Object.entries(expected)) expect(report.metrics[k]).to.be.closeTo(v!, 1e-12);
    expect(report.primary_metric).to.deep.equal({ name: 'accuracy', value: report.metrics.accuracy, direction: 'maximize' });
  });

  it('scores each slice like the pipeline scores those rows', () => {
    const report = evaluateModel(payload(clf, test, { slices: ['g'] }));
    for (const s of report.slices) {
      const rows = Int32Array.from([...Array(test.rowCount).keys()].filter((i) => (test.columns[1].values[i] as string) === s.slice));
      expect(s.rows).to.equal(rows.length);
      expect(s.metrics.accuracy).to.be.closeTo(clf.evaluate(test, rows).accuracy!, 1e-12);
    }
  });

  it('adds the primary metric when it is not among the defaults', () => {
    const report = evaluateModel(payload(clf, test, { primaryMetric: 'brier_score' }));
    expect(report.metrics).to.have.property('brier_score');
    expect(report.primary_metric).to.include({ name: 'brier_score', direction: 'minimize' });
  });

  it('counts a label the model never saw as a wrong answer in its own confusion row', () => {
    const report = evaluateModel(payload(clf, data(40, 3, 'maybe')));
    expect(report.confusion_matrix!.labels).to.deep.equal(['no', 'yes', 'maybe']);
    const maybe = report.confusion_matrix!.rows[2];
    expect(maybe.predicted[2]).to.equal(0);
    expect(maybe.predicted.reduce((a, b) => a + b, 0)).to.equal(1);
  });

  it('reports bias per sensitive feature with the positive label the user wrote', () => {
    const report = evaluateModel(payload(clf, test, { sensitiveFeatures: ['g'], posLabel: 'no' }));
    expect(report.bias!.positive_label).to.equal('no');
    const f = report.bias!.features[0];
    expect(f.feature).to.equal('g');
    expect(f.by_group.map((b) => b.group)).to.deep.equal(['a', 'b']);
    expect(f.by_group.reduce((a, b) => a + b.count, 0)).to.equal(test.rowCount);
  });

  it('returns a pos_label that is not a class as an error value from the task', () => {
    const outcome = evaluateTask(payload(clf, test, { sensitiveFeatures: ['g'], posLabel: 'perhaps' }));
    expect(outcome.ok).to.equal(false);
    expect(!outcome.ok && outcome.error.message).to.match(/pos_label "perhaps" is not one of the classes/);
  });

  it('returns a missing target column as an error value from the task', () => {
    const outcome = evaluateTask(payload(clf, test, { target: 'nope' }));
    expect(!outcome.ok && outcome.error.message).to.match(/target column 'nope'/);
  });

  it('summarises residuals of a regression and gives no classification diagnostics', () => {
    const report = evaluateModel(payload(reg, test));
    expect(report.metrics.r2).to.be.closeTo(reg.evaluate(test).r2!, 1e-12);
    expect(report.residuals!.count).to.equal(test.rowCount);
    expect(report.confusion_matrix).to.equal(null);
    expect(report.bias).to.equal(null);
  });

  it('is plain JSON: no NaN, no Infinity, no arrays inside arrays', () => {
    const text = JSON.stringify(evaluateModel(payload(clf, test, { slices: ['g', 'x'], sensitiveFeatures: ['g'] })));
    expect(text).to.not.match(/NaN|Infinity|\[\[/);
  });
});

describe('worstFirst', () => {
  const s = (slice: string, value: number | null, rows = 1) => ({ column: 'c', slice, rows, metrics: {}, value });
  it('puts the lowest score first, undefined values last, bigger slices first on ties', () => {
    expect(worstFirst([s('a', 0.9), s('b', null), s('c', 0.5, 1), s('d', 0.5, 3)], 'maximize').map((x) => x.slice)).to.deep.equal(['d', 'c', 'a', 'b']);
  });
  it('puts the highest error first', () => {
    expect(worstFirst([s('a', 1), s('b', 3), s('c', 2)], 'minimize').map((x) => x.slice)).to.deep.equal(['b', 'c', 'a']);
  });
});
