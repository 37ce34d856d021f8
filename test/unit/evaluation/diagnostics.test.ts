import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createMatrix } from '../../../src/ml/base/matrix.js';
import { calibrationCurve, confusionView, residualSummary } from '../../../src/evaluation/diagnostics.js';

interface Fixture {
  calibration: Array<{ n_bins: number; y_true: number[]; y_prob: number[]; prob_true: number[]; prob_pred: number[] }>;
  residuals: Array<{ y_true: number[]; y_pred: number[]; q: Record<string, number>; mean: number; std: number; mae: number }>;
}

const fixture = JSON.parse(readFileSync(path.resolve('test/fixtures/evaluation.json'), 'utf8')) as Fixture;

function binaryProba(p: number[]) {
  const m = createMatrix(p.length, 2);
  p.forEach((v, i) => {
    m.data[2 * i] = 1 - v;
    m.data[2 * i + 1] = v;
  });
  return m;
}

describe('evaluation diagnostics', () => {
  describe('calibrationCurve', () => {
    fixture.calibration.forEach((c, k) => {
      it(`matches scikit-learn's calibration_curve with ${c.n_bins} uniform bins (case ${k})`, () => {
        const curve = calibrationCurve(Float64Array.from(c.y_true), binaryProba(c.y_prob), { positive: 1, labels: [0, 1], bins: c.n_bins });
        expect(curve.kind).to.equal('binary');
        expect(curve.bins).to.have.length(c.prob_true.length);
        curve.bins.forEach((b, i) => {
          expect(b.observed).to.be.closeTo(c.prob_true[i], 1e-12);
          expect(b.mean_predicted).to.be.closeTo(c.prob_pred[i], 1e-12);
        });
        expect(curve.bins.reduce((a, b) => a + b.count, 0)).to.equal(c.y_true.length);
      });
    });

    it('plots the top probability against accuracy for a multiclass model', () => {
      const proba = createMatrix(3, 3, Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.15, 0.75, 0.05, 0.9, 0.05]));
      const curve = calibrationCurve(Float64Array.from([0, 1, 1]), proba, { positive: null, labels: ['a', 'b', 'c'], bins: 10 });
      expect(curve.kind).to.equal('top_label');
      expect(curve.bins.map((b) => [b.lower, b.count, b.observed])).to.deep.equal([
        [0.6, 1, 1],
        [0.7, 1, 0],
        [0.8, 1, 1],
      ]);
      expect(curve.ece).to.be.closeTo((0.3 + 0.75 + 0.1) / 3, 1e-12);
    });
  });

  describe('residualSummary', () => {
    fixture.residuals.forEach((r, k) => {
      it(`matches numpy's mean, std and linear quantiles of the residuals (${r.y_true.length} rows, case ${k})`, () => {
        const s = residualSummary(Float64Array.from(r.y_true), Float64Array.from(r.y_pred));
        expect(s.count).to.equal(r.y_true.length);
        expect(s.mean).to.be.closeTo(r.mean, 1e-12);
        expect(s.std).to.be.closeTo(r.std, 1e-12);
        expect(s.mean_absolute).to.be.closeTo(r.mae, 1e-12);
        for (const [name, v] of Object.entries(r.q)) expect(s.quantiles[name as keyof typeof s.quantiles]).to.be.closeTo(v, 1e-12);
        expect(s.histogram.reduce((a, b) => a + b.count, 0)).to.equal(r.y_true.length);
      });
    });

    it('answers nulls, not NaN, for no rows', () => {
      const s = residualSummary(new Float64Array(0), new Float64Array(0));
      expect(s).to.include({ count: 0, mean: null, std: null, min: null });
      expect(JSON.stringify(s)).to.not.match(/NaN|Infinity/);
    });
  });

  describe('confusionView', () => {
    it('counts true codes against predicted codes, one row per true label', () => {
      const view = confusionView(Float64Array.from([0, 0, 1, 2, 2, 2]), Float64Array.from([0, 1, 1, 2, 0, 2]), ['no', 'yes', 'maybe']);
      expect(view.rows).to.deep.equal([
        { actual: 'no', predicted: [1, 1, 0] },
        { actual: 'yes', predicted: [0, 1, 0] },
        { actual: 'maybe', predicted: [1, 0, 2] },
      ]);
    });
  });
});
