import { DataError, ParameterError } from '../base/errors.js';
import type { Task } from '../base/estimator.js';
import type { Matrix } from '../base/matrix.js';
import { formatLabels, uniqueLabels } from './check-inputs.js';
import {
  accuracyScore,
  balancedAccuracyScore,
  f1Score,
  precisionScore,
  recallScore,
  type PrfOptions,
} from './classification-metrics.js';
import { meanAbsoluteScaledError, symmetricMeanAbsolutePercentageError } from './forecast-metrics.js';
import { brierScoreLoss, logLoss } from './probabilistic-metrics.js';
import { averagePrecisionScore, rocAucScore } from './ranking-metrics.js';
import {
  explainedVarianceScore,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from './regression-metrics.js';

/** The metric names on the wire (config files, job specs, stored metrics). */
export const METRIC_NAMES = [
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'average_precision',
  'log_loss',
  'brier_score',
  'mse',
  'rmse',
  'mae',
  'r2',
  'mape',
  'explained_variance',
  'smape',
  'mase',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** What a metric is computed from. */
export interface MetricInput {
  yTrue: Float64Array;
  /** predicted labels (classification) or values (regression) */
  yPred: Float64Array;
  /** predicted probabilities, one column per class in `classes` order; required by `needsProba` metrics */
  proba?: Matrix;
  /**
   * The model's classes, sorted ascending (`Classifier.classes`). Decides
   * binary vs multiclass and the positive class (the greater of two).
   * @defaultValue the sorted union of yTrue and yPred
   */
  classes?: Float64Array;
  /** the training series, required by 'mase' */
  yTrain?: Float64Array;
  /**
   * Seasonal period of the naive forecast that scales 'mase'.
   * @defaultValue 1
   */
  seasonalPeriod?: number;
}

/** One entry of {@link METRICS}. */
export interface MetricSpec {
  name: MetricName;
  task: 'classification' | 'regression';
  /** true when the metric reads `proba` rather than `yPred` */
  needsProba: boolean;
  /** true for scores (`*Score`), false for errors and losses */
  greaterIsBetter: boolean;
  /**
   * The metric's value, or null where it is undefined for this data (see
   * {@link computeMetric}); never NaN or Infinity, so it can go into JSON.
   * Throws on misuse: wrong lengths, missing proba, a binary-only metric on a
   * multiclass problem.
   */
  compute(input: MetricInput): number | null;
}

/** Binary or multiclass, the classes and the positive class, as the registry sees a classification problem. */
interface ClassSetup {
  classes: Float64Array;
  binary: boolean;
  posLabel: number;
  posColumn: number;
}

function classSetup(name: string, input: MetricInput): ClassSetup {
  const classes = input.classes ? uniqueLabels(input.classes) : uniqueLabels(input.yTrue, input.yPred);
  if (input.proba && input.proba.cols !== classes.length && !(classes.length === 1 && input.proba.cols <= 2)) {
    throw new DataError(
      `${name}: the probability matrix has ${input.proba.cols} columns but there are ${classes.length} classes ${formatLabels(classes)}; pass the model's classes`,
    );
  }
  const binary = classes.length <= 2;
  // scikit-learn's default positive class is 1; with two classes it is the greater one, like predictProba's second column
  let posLabel = classes[classes.length - 1];
  if (classes.length === 1 && (classes[0] === 0 || classes[0] === -1)) posLabel = 1;
  // one class seen and no model classes given: assume the usual [negative, positive] columns
  const posColumn = classes.length === 1 ? (input.proba?.cols ?? 1) - 1 : classes.length - 1;
  return { classes, binary, posLabel, posColumn };
}

function requireProba(name: string, input: MetricInput): Matrix {
  if (!input.proba) throw new DataError(`${name} needs predicted probabilities (proba); none were given`);
  if (input.proba.rows !== input.yTrue.length) {
    throw new DataError(`${name}: y_true has ${input.yTrue.length} values but the probability matrix has ${input.proba.rows} rows`);
  }
  return input.proba;
}

function probaColumn(proba: Matrix, j: number): Float64Array {
  const out = new Float64Array(proba.rows);
  for (let i = 0; i < proba.rows; i++) out[i] = proba.data[i * proba.cols + j];
  return out;
}

function presentCount(yTrue: Float64Array): number {
  return uniqueLabels(yTrue).length;
}

function requireBinary(name: string, setup: ClassSetup): void {
  if (!setup.binary) {
    throw new DataError(`${name} supports binary classification only; this problem has ${setup.classes.length} classes ${formatLabels(setup.classes)}`);
  }
}

function prfOptions(setup: ClassSetup): PrfOptions {
  return setup.binary ? { average: 'binary', posLabel: setup.posLabel, zeroDivision: 0 } : { average: 'macro', zeroDivision: 0 };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function classification(
  name: MetricName,
  greaterIsBetter: boolean,
  needsProba: boolean,
  fn: (input: MetricInput, setup: ClassSetup) => number | null,
): MetricSpec {
  return {
    name,
    task: 'classification',
    needsProba,
    greaterIsBetter,
    compute(input) {
      if (needsProba) requireProba(name, input);
      const v = fn(input, classSetup(name, input));
      return v === null ? null : finiteOrNull(v);
    },
  };
}

function regression(name: MetricName, greaterIsBetter: boolean, fn: (input: MetricInput) => number | null): MetricSpec {
  return {
    name,
    task: 'regression',
    needsProba: false,
    greaterIsBetter,
    compute(input) {
      const v = fn(input);
      return v === null ? null : finiteOrNull(v);
    },
  };
}

/**
 * Every metric by wire name. Binary problems (at most two classes) score
 * precision/recall/f1 for the greater class; multiclass problems use the
 * macro average over the labels present in y_true and y_pred. roc_auc is
 * one-vs-rest macro for multiclass. Scales: mape is a fraction (0.1 = 10 %,
 * as scikit-learn), smape a percentage in [0, 200] (the M4 definition).
 */
export const METRICS: Readonly<Record<MetricName, MetricSpec>> = Object.freeze({
  accuracy: classification('accuracy', true, false, (i) => accuracyScore(i.yTrue, i.yPred)),
  balanced_accuracy: classification('balanced_accuracy', true, false, (i) => balancedAccuracyScore(i.yTrue, i.yPred)),
  precision: classification('precision', true, false, (i, s) => precisionScore(i.yTrue, i.yPred, prfOptions(s))),
  recall: classification('recall', true, false, (i, s) => recallScore(i.yTrue, i.yPred, prfOptions(s))),
  f1: classification('f1', true, false, (i, s) => f1Score(i.yTrue, i.yPred, prfOptions(s))),
  roc_auc: classification('roc_auc', true, true, (i, s) => {
    const proba = i.proba!;
    if (s.binary) {
      if (presentCount(i.yTrue) < 2) return null;
      return rocAucScore(i.yTrue, probaColumn(proba, s.posColumn));
    }
    // one-vs-rest is undefined when some class of the model is missing from y_true
    if (presentCount(i.yTrue) < s.classes.length) return null;
    return rocAucScore(i.yTrue, proba, { labels: s.classes, average: 'macro' });
  }),
  average_precision: classification('average_precision', true, true, (i, s) => {
    requireBinary('average_precision', s);
    if (presentCount(i.yTrue) < 2) return null;
    return averagePrecisionScore(i.yTrue, probaColumn(i.proba!, s.posColumn), { posLabel: s.posLabel });
  }),
  log_loss: classification('log_loss', false, true, (i, s) => {
    if (s.classes.length < 2) return null;
    return logLoss(i.yTrue, i.proba!, { labels: s.classes });
  }),
  brier_score: classification('brier_score', false, true, (i, s) => {
    requireBinary('brier_score', s);
    return brierScoreLoss(i.yTrue, probaColumn(i.proba!, s.posColumn), { posLabel: s.posLabel });
  }),
  mse: regression('mse', false, (i) => meanSquaredError(i.yTrue, i.yPred)),
  rmse: regression('rmse', false, (i) => rootMeanSquaredError(i.yTrue, i.yPred)),
  mae: regression('mae', false, (i) => meanAbsoluteError(i.yTrue, i.yPred)),
  r2: regression('r2', true, (i) => r2Score(i.yTrue, i.yPred)),
  mape: regression('mape', false, (i) => {
    // scikit-learn floors |y| at machine epsilon, which turns a zero target into a meaningless ~1e15
    if (i.yTrue.some((v) => Math.abs(v) < Number.EPSILON)) return null;
    return meanAbsolutePercentageError(i.yTrue, i.yPred);
  }),
  explained_variance: regression('explained_variance', true, (i) => explainedVarianceScore(i.yTrue, i.yPred)),
  smape: regression('smape', false, (i) => symmetricMeanAbsolutePercentageError(i.yTrue, i.yPred)),
  mase: regression('mase', false, (i) => {
    if (!i.yTrain) throw new DataError('mase needs the training series (yTrain) to compute its naive-forecast scale');
    return meanAbsoluteScaledError(i.yTrue, i.yPred, i.yTrain, { seasonalPeriod: i.seasonalPeriod ?? 1 });
  }),
});

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/** The metric's entry; throws a ParameterError listing the known names for an unknown one. */
export function getMetric(name: string): MetricSpec {
  if (!isMetricName(name)) {
    throw new ParameterError(`Unknown metric '${name}'. Known metrics: ${METRIC_NAMES.join(', ')}.`, 'metric');
  }
  return METRICS[name];
}

/** Whether tuning should maximise or minimise the metric. */
export function metricDirection(name: string): 'maximize' | 'minimize' {
  return getMetric(name).greaterIsBetter ? 'maximize' : 'minimize';
}

/** The metric tuning optimises when the job names none. */
export function defaultMetric(task: Task | 'timeseries'): MetricName {
  return task === 'classification' ? 'accuracy' : 'rmse';
}

/**
 * One metric by name, null where it is undefined for this data:
 * - roc_auc, average_precision: y_true holds a single class (or, multiclass
 *   roc_auc, lacks one of the model's classes);
 * - mape: some y_true is 0;
 * - mase: the training series is constant (zero naive scale);
 * - r2: fewer than two samples;
 * - anything else that comes out NaN or infinite.
 */
export function computeMetric(name: string, input: MetricInput): number | null {
  return getMetric(name).compute(input);
}

/** Options of {@link scoreAll}. */
export interface ScoreAllOptions {
  /**
   * Metrics to compute instead of the task's default set; each must fit the
   * task, and proba metrics need `proba`.
   */
  metrics?: readonly string[];
  /** the training series; with it, timeseries scoring adds 'mase' */
  yTrain?: Float64Array;
  /** @defaultValue 1 */
  seasonalPeriod?: number;
}

/** The metrics {@link scoreAll} computes when not told which. */
export function defaultMetrics(task: Task | 'timeseries', hasProba: boolean, hasTrain = false): MetricName[] {
  if (task === 'classification') {
    const names: MetricName[] = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1'];
    if (hasProba) names.push('roc_auc', 'log_loss');
    return names;
  }
  if (task === 'timeseries') {
    const names: MetricName[] = ['mse', 'rmse', 'mae', 'mape', 'smape'];
    if (hasTrain) names.push('mase');
    return names;
  }
  return ['mse', 'rmse', 'mae', 'r2', 'mape', 'explained_variance'];
}

/**
 * The task's usual metrics in one call, keyed by wire name. Values are null
 * where a metric is undefined for the data (see {@link computeMetric}), never
 * NaN, so the record can be stored and sent as JSON as is.
 *
 * classification: accuracy, balanced_accuracy, precision, recall, f1 (binary
 * for the greater class, macro for multiclass), plus roc_auc and log_loss when
 * `proba` is given. regression: mse, rmse, mae, r2, mape, explained_variance.
 * timeseries (forecasts): mse, rmse, mae, mape, smape, plus mase with `yTrain`.
 */
export function scoreAll(
  task: Task | 'timeseries',
  yTrue: Float64Array,
  yPred: Float64Array,
  proba?: Matrix,
  classes?: Float64Array,
  options: ScoreAllOptions = {},
): Record<string, number | null> {
  const metricTask = task === 'timeseries' ? 'regression' : task;
  if (metricTask !== 'classification' && metricTask !== 'regression') {
    throw new ParameterError(`Unknown task '${String(task)}'. Known tasks: classification, regression, timeseries.`, 'task');
  }
  const names = options.metrics ?? defaultMetrics(task, proba !== undefined, options.yTrain !== undefined);
  const specs = names.map((n) => {
    const spec = getMetric(n);
    if (spec.task !== metricTask) {
      throw new ParameterError(`Metric '${n}' is a ${spec.task} metric and cannot score a ${task} task.`, 'metric');
    }
    return spec;
  });
  const input: MetricInput = { yTrue, yPred, proba, classes, yTrain: options.yTrain, seasonalPeriod: options.seasonalPeriod };
  const out: Record<string, number | null> = {};
  for (const spec of specs) out[spec.name] = spec.compute(input);
  return out;
}
