import { expect } from 'chai';
import type { BiasSection } from '../../../src/evaluation/bias-section.js';
import { checkGates, primaryMetricOf, type GateLimits } from '../../../src/evaluation/validation-gates.js';

const limits: GateLimits = { gatedAliases: ['production'], minDisparateImpactRatio: 0.8, maxDemographicParityDifference: null, maxEqualizedOddsDifference: 0.1 };

function bias(dir: number | null, eod: number | null): BiasSection {
  return { positive_label: 'yes', features: [{ feature: 'sex', disparate_impact_ratio: dir, equalized_odds_difference: eod, demographic_parity_difference: 0.3 } as never] };
}

describe('validation gates', () => {
  it('takes the primary metric from monitoring.metric, else accuracy, r2 or rmse by task', () => {
    expect(primaryMetricOf('classification', { monitoring: { metric: 'f1', performance_threshold: 0.9 } })).to.deep.equal({ name: 'f1', direction: 'maximize', threshold: 0.9 });
    expect(primaryMetricOf('classification', { monitoring: {} })).to.deep.equal({ name: 'accuracy', direction: 'maximize', threshold: null });
    expect(primaryMetricOf('regression', {}).name).to.equal('r2');
    expect(primaryMetricOf('regression', { monitoring: { metric: 'accuracy' } }).name).to.equal('r2');
    expect(primaryMetricOf('timeseries', null)).to.include({ name: 'rmse', direction: 'minimize' });
  });

  it('fails when no evaluation is on record', () => {
    const report = checkGates(null, { name: 'accuracy', direction: 'maximize', threshold: 0.5 }, limits);
    expect(report).to.include({ passed: false, evaluation_id: null });
    expect(report.failed).to.deep.equal(['evaluation_on_record']);
  });

  it('needs a score at least the threshold and an error at most it', () => {
    const score = (v: number) => checkGates({ id: 'e', primaryValue: v, bias: null }, { name: 'accuracy', direction: 'maximize', threshold: 0.9 }, limits);
    expect(score(0.9).passed).to.equal(true);
    expect(score(0.89).failed).to.deep.equal(['primary_metric']);
    const error = (v: number) => checkGates({ id: 'e', primaryValue: v, bias: null }, { name: 'rmse', direction: 'minimize', threshold: 2 }, limits);
    expect(error(1.5).passed).to.equal(true);
    expect(error(2.5).failed).to.deep.equal(['primary_metric']);
  });

  it('fails an undefined metric against a threshold, and passes any value without one', () => {
    expect(checkGates({ id: 'e', primaryValue: null, bias: null }, { name: 'r2', direction: 'maximize', threshold: 0 }, limits).passed).to.equal(false);
    expect(checkGates({ id: 'e', primaryValue: 0.1, bias: null }, { name: 'r2', direction: 'maximize', threshold: null }, limits).passed).to.equal(true);
  });

  it('applies each configured bias limit per sensitive feature and skips the null ones', () => {
    const primary = { name: 'accuracy', direction: 'maximize' as const, threshold: null };
    expect(checkGates({ id: 'e', primaryValue: 1, bias: bias(0.85, 0.05) }, primary, limits).passed).to.equal(true);
    const failing = checkGates({ id: 'e', primaryValue: 1, bias: bias(0.5, 0.2) }, primary, limits);
    expect(failing.failed).to.deep.equal(['disparate_impact_ratio:sex', 'equalized_odds_difference:sex']);
    expect(failing.checks.some((c) => c.gate === 'demographic_parity_difference')).to.equal(false);
    expect(checkGates({ id: 'e', primaryValue: 1, bias: bias(null, 0) }, primary, limits).failed).to.deep.equal(['disparate_impact_ratio:sex']);
    expect(checkGates({ id: 'e', primaryValue: 1, bias: bias(0.1, 0.9) }, primary, { ...limits, minDisparateImpactRatio: null, maxEqualizedOddsDifference: null }).passed).to.equal(true);
  });
});
