import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromRows, type Matrix } from '../../../../src/ml/base/matrix.js';
import {
  accuracyScore,
  averagePrecisionScore,
  balancedAccuracyScore,
  brierScoreLoss,
  confusionMatrix,
  explainedVarianceScore,
  f1Score,
  fbetaScore,
  logLoss,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanAbsoluteScaledError,
  meanSquaredError,
  precisionRecallFscoreSupport,
  precisionScore,
  r2Score,
  recallScore,
  rocAucScore,
  rootMeanSquaredError,
  symmetricMeanAbsolutePercentageError,
  type PrfOptions,
} from '../../../../src/ml/metrics/index.js';

type Kwargs = Record<string, unknown>;
interface Call {
  fn: string;
  args: string[];
  kwargs: Kwargs;
  value: number | number[] | number[][];
}
interface Case {
  name: string;
  arrays: Record<string, number[] | number[][]>;
  calls: Call[];
}

const fixture = JSON.parse(readFileSync(path.resolve('test/fixtures/metrics.json'), 'utf8')) as { cases: Case[] };

function vec(c: Case, name: string): Float64Array {
  return Float64Array.from(c.arrays[name] as number[]);
}
function mat(c: Case, name: string): Matrix {
  return fromRows(c.arrays[name] as number[][]);
}
/** A case array as the function takes it: rows of numbers become a Matrix. */
function arg(c: Case, name: string): Float64Array | Matrix {
  return Array.isArray(c.arrays[name][0]) ? mat(c, name) : vec(c, name);
}
function labels(kw: Kwargs): Float64Array | undefined {
  return kw.labels ? Float64Array.from(kw.labels as number[]) : undefined;
}
function prf(kw: Kwargs): PrfOptions {
  return {
    average: kw.average as PrfOptions['average'],
    posLabel: kw.pos_label as number | undefined,
    zeroDivision: kw.zero_division as 0 | 1 | undefined,
    labels: labels(kw),
  };
}

type Impl = (c: Case, a: string[], kw: Kwargs) => number | number[] | number[][];

const IMPLS: Record<string, Impl> = {
  accuracy_score: (c, a) => accuracyScore(vec(c, a[0]), vec(c, a[1])),
  balanced_accuracy_score: (c, a, kw) => balancedAccuracyScore(vec(c, a[0]), vec(c, a[1]), { adjusted: kw.adjusted as boolean }),
  precision_score: (c, a, kw) => precisionScore(vec(c, a[0]), vec(c, a[1]), prf(kw)),
  recall_score: (c, a, kw) => recallScore(vec(c, a[0]), vec(c, a[1]), prf(kw)),
  f1_score: (c, a, kw) => f1Score(vec(c, a[0]), vec(c, a[1]), prf(kw)),
  fbeta_score: (c, a, kw) => fbetaScore(vec(c, a[0]), vec(c, a[1]), kw.beta as number, prf(kw)),
  precision_recall_fscore_support: (c, a, kw) => {
    const r = precisionRecallFscoreSupport(vec(c, a[0]), vec(c, a[1]), { zeroDivision: kw.zero_division as 0 | 1 | undefined });
    return [r.precision, r.recall, r.fScore, r.support].map((v) => Array.from(v));
  },
  roc_auc_score: (c, a, kw) =>
    rocAucScore(vec(c, a[0]), arg(c, a[1]), { average: kw.average as 'macro' | 'weighted' | undefined, multiClass: kw.multi_class as 'ovr' | undefined }),
  average_precision_score: (c, a, kw) => averagePrecisionScore(vec(c, a[0]), vec(c, a[1]), { posLabel: kw.pos_label as number | undefined }),
  log_loss: (c, a, kw) => logLoss(vec(c, a[0]), arg(c, a[1]), { eps: kw.eps as number | undefined, labels: labels(kw) }),
  brier_score_loss: (c, a, kw) => brierScoreLoss(vec(c, a[0]), vec(c, a[1]), { posLabel: kw.pos_label as number | undefined }),
  confusion_matrix: (c, a, kw) => {
    const m = confusionMatrix(vec(c, a[0]), vec(c, a[1]), { labels: labels(kw), normalize: kw.normalize as 'true' | 'pred' | 'all' | undefined });
    return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  },
  mean_squared_error: (c, a, kw) => (kw.squared === false ? rootMeanSquaredError : meanSquaredError)(vec(c, a[0]), vec(c, a[1])),
  mean_absolute_error: (c, a) => meanAbsoluteError(vec(c, a[0]), vec(c, a[1])),
  r2_score: (c, a) => r2Score(vec(c, a[0]), vec(c, a[1])),
  mean_absolute_percentage_error: (c, a) => meanAbsolutePercentageError(vec(c, a[0]), vec(c, a[1])),
  explained_variance_score: (c, a) => explainedVarianceScore(vec(c, a[0]), vec(c, a[1])),
  smape: (c, a) => symmetricMeanAbsolutePercentageError(vec(c, a[0]), vec(c, a[1])),
  mase: (c, a, kw) => meanAbsoluteScaledError(vec(c, a[0]), vec(c, a[1]), vec(c, a[2]), { seasonalPeriod: kw.m as number | undefined }),
};

/** Equal to 1e-9, relative for large values (mape's epsilon floor gives ~1e15). */
function expectClose(actual: unknown, expected: unknown, where: string): void {
  if (Array.isArray(expected)) {
    expect(actual, where).to.be.an('array').with.lengthOf(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${where}[${i}]`));
    return;
  }
  const a = actual as number;
  const e = expected as number;
  expect(Math.abs(a - e), `${where}: got ${a}, scikit-learn ${e}`).to.be.at.most(1e-9 * Math.max(1, Math.abs(e)));
}

describe('metrics against scikit-learn 1.2 fixtures', () => {
  it('covers every metric function of the fixture generator', () => {
    const used = new Set(fixture.cases.flatMap((c) => c.calls.map((k) => k.fn)));
    expect([...used].sort()).to.deep.equal(Object.keys(IMPLS).sort());
  });

  for (const c of fixture.cases) {
    describe(c.name, () => {
      for (const call of c.calls) {
        const label = `${call.fn}(${call.args.join(', ')}${Object.keys(call.kwargs).length ? ', ' + JSON.stringify(call.kwargs) : ''})`;
        it(`matches ${label}`, () => {
          expectClose(IMPLS[call.fn](c, call.args, call.kwargs), call.value, label);
        });
      }
    });
  }
});
