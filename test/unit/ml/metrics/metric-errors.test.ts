import { expect } from 'chai';
import { DataError, ParameterError } from '../../../../src/ml/base/errors.js';
import { fromRows } from '../../../../src/ml/base/matrix.js';
import {
  accuracyScore,
  brierScoreLoss,
  f1Score,
  logLoss,
  meanAbsolutePercentageError,
  meanAbsoluteScaledError,
  meanSquaredError,
  precisionScore,
  rocAucScore,
  symmetricMeanAbsolutePercentageError,
} from '../../../../src/ml/metrics/index.js';

const v = (...xs: number[]) => Float64Array.from(xs);

describe('metric input errors', () => {
  it('names both lengths when y_true and y_pred differ', () => {
    expect(() => accuracyScore(v(1, 0, 1), v(1, 0))).to.throw(DataError, /accuracy_score: .*y_true has 3, y_pred has 2/);
    expect(() => meanSquaredError(v(1), v(1, 2))).to.throw(DataError, /mean_squared_error: .*y_true has 1, y_pred has 2/);
  });

  it('refuses empty inputs', () => {
    expect(() => meanSquaredError(v(), v())).to.throw(DataError, /empty/);
  });

  it('names the array and index of a NaN', () => {
    expect(() => meanSquaredError(v(1, 2, 3), v(1, NaN, 3))).to.throw(DataError, /y_pred contains NaN at index 1/);
  });

  it('refuses roc_auc when y_true holds a single class', () => {
    expect(() => rocAucScore(v(1, 1, 1), v(0.2, 0.5, 0.9))).to.throw(DataError, /Only one class present in y_true/);
  });

  it('refuses a multiclass y_true with a score vector for roc_auc', () => {
    expect(() => rocAucScore(v(0, 1, 2), v(0.2, 0.5, 0.9))).to.throw(DataError, /needs y_score as a probability Matrix/);
  });

  it('refuses multiclass probabilities whose rows do not sum to 1', () => {
    const proba = fromRows([[0.5, 0.3, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]);
    expect(() => rocAucScore(v(0, 1, 2), proba)).to.throw(DataError, /should sum up to 1.0 over classes \(row 0/);
  });

  it('refuses a multiclass roc_auc when a column class is absent from y_true', () => {
    const proba = fromRows([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1]]);
    expect(() => rocAucScore(v(0, 1, 0), proba, { labels: v(0, 1, 2) })).to.throw(DataError, /class 2 \(one-vs-rest\)/);
  });

  it("refuses average='binary' on a multiclass target, suggesting the others", () => {
    expect(() => f1Score(v(0, 1, 2), v(0, 2, 1))).to.throw(DataError, /target is multiclass .* average='binary'.*'micro', 'macro', 'weighted'/);
  });

  it('refuses a pos_label that is not one of the labels', () => {
    expect(() => precisionScore(v(2, 5, 5), v(2, 5, 2))).to.throw(DataError, /pos_label=1 is not a valid label. It should be one of \[2, 5\]/);
  });

  it('rejects a zero_division other than 0 or 1', () => {
    expect(() => precisionScore(v(0, 1), v(0, 1), { zeroDivision: 2 as never })).to.throw(ParameterError, /zero_division must be 0 or 1/);
  });

  it('asks for the labels when log_loss sees a single class', () => {
    expect(() => logLoss(v(1, 1), v(0.9, 0.8))).to.throw(DataError, /y_true contains only one label \(1\). Please provide the true labels/);
    expect(logLoss(v(1, 1), v(0.9, 0.8), { labels: v(0, 1) })).to.be.closeTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 1e-12);
  });

  it('refuses probabilities above 1 for the Brier score', () => {
    expect(() => brierScoreLoss(v(0, 1), v(0.2, 1.2))).to.throw(DataError, /greater than 1/);
  });

  it('needs a training series longer than the seasonal period for mase', () => {
    expect(() => meanAbsoluteScaledError(v(1), v(1), v(1, 2, 3), { seasonalPeriod: 3 })).to.throw(DataError, /needs at least 4/);
    expect(() => meanAbsoluteScaledError(v(1), v(1), v(1, 2, 3), { seasonalPeriod: 0 })).to.throw(ParameterError, /seasonal period must be an int >= 1/);
  });
});

describe('metric conventions', () => {
  it('reads the greater-class column of a two-column matrix for binary roc_auc and brier', () => {
    const y = v(0, 1, 1, 0, 1);
    const p = v(0.3, 0.7, 0.4, 0.5, 0.9);
    const m = fromRows(Array.from(p, (q) => [1 - q, q]));
    expect(rocAucScore(y, m)).to.equal(rocAucScore(y, p));
    expect(brierScoreLoss(y, m)).to.be.closeTo(brierScoreLoss(y, p), 1e-15);
  });

  it('counts a tied positive/negative pair as half ordered in roc_auc', () => {
    expect(rocAucScore(v(0, 1), v(0.5, 0.5))).to.equal(0.5);
    expect(rocAucScore(v(0, 1, 0, 1), v(0.1, 0.5, 0.5, 0.9))).to.equal(0.875);
  });

  it('defines smape in percent with 0/0 terms as 0', () => {
    expect(symmetricMeanAbsolutePercentageError(v(0, 2), v(0, 2))).to.equal(0);
    expect(symmetricMeanAbsolutePercentageError(v(1), v(-1))).to.equal(200);
    expect(symmetricMeanAbsolutePercentageError(v(0, 1), v(0, 3))).to.equal(50);
  });

  it("keeps scikit-learn's epsilon floor in mape: a zero target gives a huge finite value", () => {
    const value = meanAbsolutePercentageError(v(0, 1), v(1, 1));
    expect(value).to.equal(1 / Number.EPSILON / 2);
    expect(Number.isFinite(value)).to.equal(true);
  });
});
