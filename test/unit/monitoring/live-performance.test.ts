import { expect } from 'chai';
import { loadConfig } from '../../../config/index.js';
import { breaches, liveMetrics, watchedMetric } from '../../../src/monitoring/live-performance.js';
import { thresholdsOf } from '../../../src/monitoring/model-check.js';

describe('live performance', () => {
  it('scores labels against predictions matching classes as text', () => {
    const rows = [
      { prediction: 'yes', label: 'yes' },
      { prediction: 'no', label: 'yes' },
      { prediction: 1, label: '1' },
      { prediction: 0, label: 0 },
    ];
    const m = liveMetrics('classification', ['no', 'yes', 0, 1], rows, 'accuracy');
    expect(m.value).to.equal(0.75);
    expect(m.labeledRows).to.equal(4);
    expect(m.greaterIsBetter).to.equal(true);
    expect(m.metrics).to.have.keys(['accuracy', 'balanced_accuracy', 'f1']);
  });

  it('counts a label the model never saw as a miss', () => {
    const rows = [
      { prediction: 'a', label: 'a' },
      { prediction: 'a', label: 'zzz' },
    ];
    expect(liveMetrics('classification', ['a', 'b'], rows, 'accuracy').value).to.equal(0.5);
  });

  it('uses logged probabilities for roc_auc and leaves it null without them', () => {
    const rows = [
      { prediction: 'no', probabilities: [0.9, 0.1], label: 'no' },
      { prediction: 'yes', probabilities: [0.2, 0.8], label: 'yes' },
      { prediction: 'yes', probabilities: [0.4, 0.6], label: 'no' },
      { prediction: 'no', probabilities: [0.7, 0.3], label: 'yes' },
    ];
    // positives score 0.8 and 0.3, negatives 0.1 and 0.6: 3 of 4 pairs ordered
    expect(liveMetrics('classification', ['no', 'yes'], rows, 'roc_auc').value).to.equal(0.75);
    expect(liveMetrics('classification', ['no', 'yes'], rows.map(({ prediction, label }) => ({ prediction, label })), 'roc_auc').value).to.equal(null);
  });

  it('scores regressions by error and r2, treating unparseable labels as no score', () => {
    const rows = [
      { prediction: 1, label: 2 },
      { prediction: 3, label: '3' },
      { prediction: 5, label: 4 },
    ];
    const m = liveMetrics('regression', null, rows, 'mae');
    expect(m.value).to.be.closeTo(2 / 3, 1e-12);
    expect(m.greaterIsBetter).to.equal(false);
    expect(m.metrics.r2).to.be.closeTo(1 - 2 / 2, 1e-12);
    expect(liveMetrics('regression', null, [...rows, { prediction: 1, label: 'n/a' }], 'mae').value).to.equal(null);
  });

  it('breaches below the threshold for scores and above it for errors', () => {
    expect(breaches(0.8, 0.9, true)).to.equal(true);
    expect(breaches(0.9, 0.9, true)).to.equal(false);
    expect(breaches(3, 2, false)).to.equal(true);
    expect(breaches(1, 2, false)).to.equal(false);
  });

  it('watches the configured metric when it fits the task, else accuracy or r2', () => {
    expect(watchedMetric('classification', 'f1')).to.equal('f1');
    expect(watchedMetric('classification', 'rmse')).to.equal('accuracy');
    expect(watchedMetric('regression', undefined)).to.equal('r2');
    expect(watchedMetric('regression', 'mae')).to.equal('mae');
  });

  it("takes the model's drift and performance thresholds over the cluster's", () => {
    const config = loadConfig({ env: {}, file: null, overrides: { monitoring: { driftThreshold: 0.2, performanceThreshold: 0.7 } } });
    expect(thresholdsOf({ task: 'classification', config: { monitoring: {} } }, config)).to.deep.equal({ psi: 0.2, driftShare: 0.5, performance: 0.7, metric: 'accuracy' });
    expect(thresholdsOf({ task: 'classification', config: { monitoring: { drift_threshold: 0.05, performance_threshold: 0.95, metric: 'f1' } } }, config)).to.deep.equal({
      psi: 0.05,
      driftShare: 0.5,
      performance: 0.95,
      metric: 'f1',
    });
  });
});
