import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../../../src/ml/base/errors.js';
import {
  biasReport,
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalizedOddsRatio,
  groupRates,
  type BiasReport,
  type SensitiveValue,
} from '../../../../src/ml/fairness/index.js';

type Aggregates = Record<string, number | boolean | null>;
interface FairnessCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  sensitive: SensitiveValue[];
  pos_label: number;
  overall: Record<string, number | null>;
  by_group: Array<Record<string, number | string | null>>;
  ignore: Aggregates;
  zero: Aggregates;
}

const { cases } = JSON.parse(readFileSync(path.resolve('test/fixtures/fairness.json'), 'utf8')) as { cases: FairnessCase[] };

function expectSame(actual: unknown, expected: unknown, what: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`).to.equal(true);
  } else {
    expect(actual, what).to.deep.equal(expected);
  }
}

function run(c: FairnessCase, policy: 'ignore' | 'zero'): BiasReport {
  return biasReport(Float64Array.from(c.y_true), Float64Array.from(c.y_pred), c.sensitive, { posLabel: c.pos_label, undefinedRates: policy });
}

describe('bias report against Fairlearn definitions', () => {
  for (const c of cases) {
    it(`gives per-group rates and counts for: ${c.name}`, () => {
      const r = run(c, 'ignore');
      expect(r.by_group.map((g) => g.group)).to.deep.equal(c.by_group.map((g) => g.group));
      r.by_group.forEach((g, i) => {
        for (const [k, v] of Object.entries(c.by_group[i])) expectSame(g[k as keyof typeof g], v, `${c.name} group ${g.group} ${k}`);
      });
      for (const [k, v] of Object.entries(c.overall)) expectSame(r.overall[k as keyof typeof r.overall], v, `${c.name} overall ${k}`);
      expect(r.n_groups).to.equal(c.by_group.length);
    });

    for (const policy of ['ignore', 'zero'] as const) {
      it(`gives the disparities with undefined rates '${policy}' for: ${c.name}`, () => {
        const r = run(c, policy);
        for (const [k, v] of Object.entries(c[policy])) expectSame(r[k as keyof BiasReport], v, `${c.name} ${policy} ${k}`);
        expect(JSON.stringify(r)).not.to.match(/NaN|Infinity/);
      });
    }
  }

  it('reports a group without positives as a null TPR, and the zero policy changes only the aggregates', () => {
    const c = cases.find((x) => x.name.includes('undefined rates'))!;
    const ignore = run(c, 'ignore');
    const zero = run(c, 'zero');
    expect(ignore.by_group.find((g) => g.group === 1)!.true_positive_rate).to.equal(null);
    expect(zero.by_group).to.deep.equal(ignore.by_group);
    expect(zero.true_positive_rate_difference).to.be.greaterThan(ignore.true_positive_rate_difference!);
  });

  it('keeps missing sensitive values as a null group, last', () => {
    const r = biasReport(Float64Array.from([1, 0, 1, 0]), Float64Array.from([1, 0, 0, 0]), ['a', null, undefined, NaN]);
    expect(r.by_group.map((g) => g.group)).to.deep.equal(['a', null]);
    expect(r.by_group[1].count).to.equal(3);
  });

  it('tells the number 1 and the text "1" apart as groups', () => {
    const r = groupRates(Float64Array.from([1, 1]), Float64Array.from([1, 0]), [1, '1']);
    expect(r.byGroup.map((g) => g.group)).to.deep.equal([1, '1']);
  });

  it('passes the four-fifths rule at a ratio of exactly 0.8 and fails just under it', () => {
    // group a: 5 of 5 selected; group b: 4 of 5, then 3 of 4 (0.75)
    const pass = biasReport(Float64Array.from(Array(10).fill(1)), Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b']);
    expect(pass.disparate_impact_ratio).to.equal(0.8);
    expect(pass.four_fifths_passed).to.equal(true);
    const fail = biasReport(Float64Array.from(Array(9).fill(1)), Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0]), ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
    expect(fail.disparate_impact_ratio).to.equal(0.75);
    expect(fail.four_fifths_passed).to.equal(false);
  });

  it('gives the same numbers from the standalone disparity functions', () => {
    const c = cases[0];
    const [yt, yp] = [Float64Array.from(c.y_true), Float64Array.from(c.y_pred)];
    expectSame(demographicParityDifference(yt, yp, c.sensitive), c.ignore.demographic_parity_difference, 'dp difference');
    expectSame(demographicParityRatio(yt, yp, c.sensitive), c.ignore.demographic_parity_ratio, 'dp ratio');
    expectSame(equalizedOddsDifference(yt, yp, c.sensitive), c.ignore.equalized_odds_difference, 'eo difference');
    expectSame(equalizedOddsRatio(yt, yp, c.sensitive), c.ignore.equalized_odds_ratio, 'eo ratio');
  });

  it('refuses arrays of different lengths, naming all three', () => {
    expect(() => biasReport(Float64Array.from([1, 0]), Float64Array.from([1]), ['a', 'b'])).to.throw(DataError, /y_true has 2, y_pred has 1, sensitive_features has 2/);
  });

  it('refuses NaN labels and an unknown undefined-rate policy', () => {
    expect(() => biasReport(Float64Array.from([1, NaN]), Float64Array.from([1, 0]), ['a', 'b'])).to.throw(DataError, /y_true contains NaN at index 1/);
    expect(() => biasReport(Float64Array.from([1]), Float64Array.from([1]), ['a'], { undefinedRates: 'nan' as 'zero' })).to.throw(DataError, /undefined_rates/);
  });
});
