import { DataError, ParameterError } from '../base/errors.js';
import { checkPair, encodeAgainst, formatLabels, uniqueLabels } from './check-inputs.js';

/**
 * How precision, recall and F-scores are combined across classes
 * (scikit-learn's `average`): 'binary' reports the positive class only;
 * 'micro' pools the counts; 'macro' is the plain mean over classes;
 * 'weighted' weights each class by its support in y_true.
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

const AVERAGES: readonly Average[] = ['binary', 'micro', 'macro', 'weighted'];

/** Options of {@link precisionScore}, {@link recallScore}, {@link f1Score} and {@link fbetaScore}. */
export interface PrfOptions {
  /**
   * How to combine classes. 'binary' needs at most two distinct labels in
   * y_true and y_pred together.
   * @defaultValue 'binary'
   */
  average?: Average;
  /**
   * The positive class when `average` is 'binary' (ignored otherwise).
   * @defaultValue 1
   */
  posLabel?: number;
  /**
   * Classes to include when `average` is not 'binary', in any order; classes
   * absent from the data count as zero.
   * @defaultValue the sorted union of y_true and y_pred
   */
  labels?: Float64Array;
  /**
   * The value a ratio takes when its denominator is 0 (precision of a class
   * never predicted, recall of a class never present). scikit-learn's default
   * 'warn' behaves as 0.
   * @defaultValue 0
   */
  zeroDivision?: 0 | 1;
}

/** Options of {@link precisionRecallFscoreSupport}. */
export interface PerClassPrfOptions {
  /** @defaultValue 1 */
  beta?: number;
  /** @defaultValue the sorted union of y_true and y_pred */
  labels?: Float64Array;
  /** @defaultValue 0 */
  zeroDivision?: 0 | 1;
}

/** Per-class precision, recall, F-score and support, aligned with `labels`. */
export interface PerClassPrf {
  labels: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  fScore: Float64Array;
  /** number of samples of each class in y_true */
  support: Float64Array;
}

/** Fraction of samples whose predicted label equals the true label. */
export function accuracyScore(yTrue: Float64Array, yPred: Float64Array): number {
  checkPair('accuracy_score', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** Options of {@link balancedAccuracyScore}. */
export interface BalancedAccuracyOptions {
  /**
   * Rescale so that chance scores 0 and perfect scores 1.
   * @defaultValue false
   */
  adjusted?: boolean;
}

/**
 * Mean recall over the classes present in y_true; classes that appear only
 * in y_pred are left out of the mean, as in scikit-learn.
 */
export function balancedAccuracyScore(yTrue: Float64Array, yPred: Float64Array, options: BalancedAccuracyOptions = {}): number {
  checkPair('balanced_accuracy_score', yTrue, yPred);
  const labels = uniqueLabels(yTrue, yPred);
  const t = encodeAgainst(yTrue, labels);
  const p = encodeAgainst(yPred, labels);
  const support = new Float64Array(labels.length);
  const hits = new Float64Array(labels.length);
  for (let i = 0; i < t.length; i++) {
    support[t[i]]++;
    if (t[i] === p[i]) hits[t[i]]++;
  }
  let sum = 0;
  let present = 0;
  for (let k = 0; k < labels.length; k++) {
    if (support[k] === 0) continue;
    sum += hits[k] / support[k];
    present++;
  }
  let score = sum / present;
  if (options.adjusted) {
    const chance = 1 / present;
    score = (score - chance) / (1 - chance);
  }
  return score;
}

interface Counts {
  tp: Float64Array;
  predSum: Float64Array;
  trueSum: Float64Array;
}

function countPerLabel(yTrue: Float64Array, yPred: Float64Array, labels: Float64Array): Counts {
  const k = labels.length;
  const t = encodeAgainst(yTrue, labels);
  const p = encodeAgainst(yPred, labels);
  const tp = new Float64Array(k);
  const predSum = new Float64Array(k);
  const trueSum = new Float64Array(k);
  for (let i = 0; i < t.length; i++) {
    if (t[i] >= 0) trueSum[t[i]]++;
    if (p[i] >= 0) predSum[p[i]]++;
    if (t[i] >= 0 && t[i] === p[i]) tp[t[i]]++;
  }
  return { tp, predSum, trueSum };
}

function checkBeta(metric: string, beta: number): void {
  if (typeof beta !== 'number' || Number.isNaN(beta) || beta < 0) {
    throw new ParameterError(`${metric}: beta should be >= 0 in the F-beta score; got ${beta}`, 'beta');
  }
}

function checkZeroDivision(metric: string, z: unknown): 0 | 1 {
  if (z !== 0 && z !== 1) throw new ParameterError(`${metric}: zero_division must be 0 or 1; got ${JSON.stringify(z)}`, 'zero_division');
  return z;
}

function divide(num: Float64Array, den: Float64Array, zeroDivision: 0 | 1): Float64Array {
  const out = new Float64Array(num.length);
  for (let k = 0; k < num.length; k++) out[k] = den[k] === 0 ? zeroDivision : num[k] / den[k];
  return out;
}

function fScores(precision: Float64Array, recall: Float64Array, beta: number): Float64Array {
  if (beta === Infinity) return Float64Array.from(recall);
  const out = new Float64Array(precision.length);
  const b2 = beta * beta;
  for (let k = 0; k < out.length; k++) {
    const den = b2 * precision[k] + recall[k];
    // scikit-learn sets F to 0 when precision and recall are both 0, whatever zero_division says
    out[k] = den === 0 ? 0 : ((1 + b2) * precision[k] * recall[k]) / den;
  }
  return out;
}

/**
 * scikit-learn's `precision_recall_fscore_support` with `average=None`:
 * one value per label.
 */
export function precisionRecallFscoreSupport(
  yTrue: Float64Array,
  yPred: Float64Array,
  options: PerClassPrfOptions = {},
): PerClassPrf {
  const metric = 'precision_recall_fscore_support';
  checkPair(metric, yTrue, yPred);
  const beta = options.beta ?? 1;
  checkBeta(metric, beta);
  const zeroDivision = checkZeroDivision(metric, options.zeroDivision ?? 0);
  const labels = options.labels ?? uniqueLabels(yTrue, yPred);
  const { tp, predSum, trueSum } = countPerLabel(yTrue, yPred, labels);
  const precision = divide(tp, predSum, zeroDivision);
  const recall = divide(tp, trueSum, zeroDivision);
  return { labels: Float64Array.from(labels), precision, recall, fScore: fScores(precision, recall, beta), support: trueSum };
}

interface Averaged {
  precision: number;
  recall: number;
  fScore: number;
}

function mean(v: Float64Array, weights?: Float64Array): number {
  let s = 0;
  let w = 0;
  for (let k = 0; k < v.length; k++) {
    const wk = weights ? weights[k] : 1;
    s += wk * v[k];
    w += wk;
  }
  return s / w;
}

function averagedPrf(metric: string, yTrue: Float64Array, yPred: Float64Array, beta: number, options: PrfOptions): Averaged {
  checkPair(metric, yTrue, yPred);
  checkBeta(metric, beta);
  const average = options.average ?? 'binary';
  if (!AVERAGES.includes(average)) {
    throw new ParameterError(`${metric}: average has to be one of ${AVERAGES.map((a) => `'${a}'`).join(', ')}; got ${JSON.stringify(average)}`, 'average');
  }
  const zeroDivision = checkZeroDivision(metric, options.zeroDivision ?? 0);
  const present = uniqueLabels(yTrue, yPred);
  let labels: Float64Array;
  if (average === 'binary') {
    if (present.length > 2) {
      throw new DataError(
        `${metric}: target is multiclass (labels ${formatLabels(present)}) but average='binary'. Please choose another average setting, one of 'micro', 'macro', 'weighted'.`,
      );
    }
    const posLabel = options.posLabel ?? 1;
    if (!present.includes(posLabel) && present.length >= 2) {
      throw new DataError(`${metric}: pos_label=${posLabel} is not a valid label. It should be one of ${formatLabels(present)}`);
    }
    labels = Float64Array.of(posLabel);
  } else {
    labels = options.labels ?? present;
    if (labels.length === 0) throw new ParameterError(`${metric}: 'labels' should contain at least one label`, 'labels');
  }
  let { tp, predSum, trueSum } = countPerLabel(yTrue, yPred, labels);
  if (average === 'micro') {
    const total = (v: Float64Array) => Float64Array.of(v.reduce((a, b) => a + b, 0));
    tp = total(tp);
    predSum = total(predSum);
    trueSum = total(trueSum);
  }
  const precision = divide(tp, predSum, zeroDivision);
  const recall = divide(tp, trueSum, zeroDivision);
  const f = fScores(precision, recall, beta);
  if (average === 'weighted') {
    const supportTotal = trueSum.reduce((a, b) => a + b, 0);
    if (supportTotal === 0) {
      // none of the requested labels occurs in y_true: scikit-learn's special case
      const z = zeroDivision;
      const predTotal = predSum.reduce((a, b) => a + b, 0);
      return predTotal === 0 ? { precision: z, recall: z, fScore: z } : { precision: 0, recall: z, fScore: 0 };
    }
    return { precision: mean(precision, trueSum), recall: mean(recall, trueSum), fScore: mean(f, trueSum) };
  }
  return { precision: mean(precision), recall: mean(recall), fScore: mean(f) };
}

/** tp / (tp + fp): how many predicted positives are right. */
export function precisionScore(yTrue: Float64Array, yPred: Float64Array, options: PrfOptions = {}): number {
  return averagedPrf('precision_score', yTrue, yPred, 1, options).precision;
}

/** tp / (tp + fn): how many true positives are found. */
export function recallScore(yTrue: Float64Array, yPred: Float64Array, options: PrfOptions = {}): number {
  return averagedPrf('recall_score', yTrue, yPred, 1, options).recall;
}

/** Harmonic mean of precision and recall. */
export function f1Score(yTrue: Float64Array, yPred: Float64Array, options: PrfOptions = {}): number {
  return averagedPrf('f1_score', yTrue, yPred, 1, options).fScore;
}

/** Weighted harmonic mean of precision and recall; beta > 1 favours recall. */
export function fbetaScore(yTrue: Float64Array, yPred: Float64Array, beta: number, options: PrfOptions = {}): number {
  return averagedPrf('fbeta_score', yTrue, yPred, beta, options).fScore;
}
