import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError, ParameterError } from '../../../../src/ml/base/errors.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import {
  computeMetric,
  defaultMetric,
  getMetric,
  METRIC_NAMES,
  metricDirection,
  METRICS,
  scoreAll,
} from '../../../../src/ml/metrics/index.js';

interface ScoreAllCase {
  name: string;
  task: 'classification' | 'regression' | 'timeseries';
  arrays: Record<string, number[] | number[][]>;
  options: { metrics?: string[]; seasonal_period?: number };
  expected: Record<string, number | null>;
}

const fixture = JSON.parse(readFileSync(path.resolve('test/fixtures/metrics.json'), 'utf8')) as { score_all: ScoreAllCase[] };

const vec = (v: number[] | number[][] | undefined) => (v ? Float64Array.from(v as number[]) : undefined);

describe('metric registry', () => {
  it('holds exactly the wire names of DESIGN.md', () => {
    expect(Object.keys(METRICS).sort()).to.deep.equal(
      [
        'accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier_score',
        'mse', 'rmse', 'mae', 'r2', 'mape', 'explained_variance', 'smape', 'mase',
      ].sort(),
    );
    expect([...METRIC_NAMES].sort()).to.deep.equal(Object.keys(METRICS).sort());
  });

  it('reads the direction from the metric: scores up, errors and losses down', () => {
    const up = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'r2', 'explained_variance'];
    for (const name of METRIC_NAMES) expect(metricDirection(name), name).to.equal(up.includes(name) ? 'maximize' : 'minimize');
  });

  it('marks the probability metrics', () => {
    const proba = METRIC_NAMES.filter((n) => METRICS[n].needsProba);
    expect(proba.sort()).to.deep.equal(['average_precision', 'brier_score', 'log_loss', 'roc_auc']);
  });

  it('rejects an unknown metric listing the known names', () => {
    expect(() => getMetric('auc')).to.throw(ParameterError, /Unknown metric 'auc'. Known metrics: accuracy, balanced_accuracy, .*mase\./);
    expect(() => metricDirection('nope')).to.throw(ParameterError, /Unknown metric 'nope'/);
  });

  it('picks accuracy for classification and rmse otherwise as the default metric', () => {
    expect(defaultMetric('classification')).to.equal('accuracy');
    expect(defaultMetric('regression')).to.equal('rmse');
    expect(defaultMetric('timeseries')).to.equal('rmse');
  });

  describe('scoreAll against scikit-learn', () => {
    for (const c of fixture.score_all) {
      it(`matches for ${c.name}`, () => {
        const a = c.arrays;
        const got = scoreAll(
          c.task,
          vec(a.y_true)!,
          vec(a.y_pred)!,
          a.proba ? fromRows(a.proba as number[][]) : undefined,
          vec(a.classes),
          { metrics: c.options.metrics, yTrain: vec(a.y_train), seasonalPeriod: c.options.seasonal_period },
        );
        expect(Object.keys(got).sort()).to.deep.equal(Object.keys(c.expected).sort());
        for (const [k, e] of Object.entries(c.expected)) {
          if (e === null) expect(got[k], k).to.equal(null);
          else expect(Math.abs((got[k] as number) - e), `${k}: ${got[k]} vs ${e}`).to.be.at.most(1e-9 * Math.max(1, Math.abs(e)));
        }
      });
    }
  });

  it('returns null rather than NaN, so the record survives JSON', () => {
    const one = Float64Array.of(3);
    const got = scoreAll('regression', one, Float64Array.of(2.5));
    expect(got.r2).to.equal(null);
    expect(JSON.parse(JSON.stringify(got))).to.deep.equal(got);
  });

  it('returns null for roc_auc when y_true holds a single class', () => {
    const proba = fromRows([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]);
    const input = { yTrue: Float64Array.of(1, 1, 1), yPred: Float64Array.of(1, 0, 1), proba, classes: Float64Array.of(0, 1) };
    expect(computeMetric('roc_auc', input)).to.equal(null);
    expect(computeMetric('log_loss', input)).to.be.a('number');
  });

  it('refuses a regression metric for a classification task', () => {
    const y = Float64Array.of(0, 1);
    expect(() => scoreAll('classification', y, y, undefined, undefined, { metrics: ['rmse'] })).to.throw(ParameterError, /'rmse' is a regression metric/);
  });

  it('says which metric needs probabilities when none are given', () => {
    const y = Float64Array.of(0, 1, 1);
    expect(() => computeMetric('roc_auc', { yTrue: y, yPred: y })).to.throw(DataError, /roc_auc needs predicted probabilities/);
  });

  it('refuses a binary-only metric on a multiclass problem', () => {
    const y = Float64Array.of(0, 1, 2);
    const proba = fromRows([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]);
    expect(() => computeMetric('brier_score', { yTrue: y, yPred: y, proba })).to.throw(DataError, /brier_score supports binary classification only/);
  });

  it('refuses a probability matrix whose columns do not match the classes', () => {
    const y = Float64Array.of(0, 1, 0);
    const proba = fromRows([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]);
    expect(() => computeMetric('log_loss', { yTrue: y, yPred: y, proba, classes: Float64Array.of(0, 1) })).to.throw(DataError, /3 columns but there are 2 classes/);
  });

  it('asks for the training series for mase', () => {
    const y = Float64Array.of(1, 2);
    expect(() => computeMetric('mase', { yTrue: y, yPred: y })).to.throw(DataError, /mase needs the training series/);
  });

  it('scores precision of the greater class for a binary problem', () => {
    // class 1 predicted twice, once right: precision 0.5; class 0 would give 2/3
    const yTrue = Float64Array.of(0, 0, 1, 1, 0);
    const yPred = Float64Array.of(0, 1, 1, 0, 0);
    expect(computeMetric('precision', { yTrue, yPred })).to.equal(0.5);
  });
});
