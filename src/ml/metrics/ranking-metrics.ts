import { DataError, ParameterError } from '../base/errors.js';
import type { Matrix } from '../base/matrix.js';
import { checkFiniteVector, checkPair, checkSameLength, encodeAgainst, formatLabels, uniqueLabels } from './check-inputs.js';

/** Options of {@link rocAucScore}. */
export interface RocAucOptions {
  /**
   * Multiclass only: 'macro' is the plain mean of the one-vs-rest AUCs,
   * 'weighted' weights each class by its prevalence in y_true.
   * @defaultValue 'macro'
   */
  average?: 'macro' | 'weighted';
  /**
   * Multiclass strategy. Only one-vs-rest is implemented; scikit-learn has no
   * default here (it raises), we take 'ovr'.
   * @defaultValue 'ovr'
   */
  multiClass?: 'ovr';
  /**
   * The class of each column of y_score, sorted ascending (the estimator's
   * `classes`). Needed when y_true lacks some class the model knows.
   * @defaultValue the sorted distinct values of y_true
   */
  labels?: Float64Array;
}

/** Options of {@link averagePrecisionScore}. */
export interface AveragePrecisionOptions {
  /**
   * The positive class; y_score is its score.
   * @defaultValue 1
   */
  posLabel?: number;
}

/** True/false positive counts at each distinct score, scanning from the highest score down. */
interface ClfCurve {
  tps: Float64Array;
  fps: Float64Array;
}

function clfCurve(isPos: Uint8Array, score: ArrayLike<number>): ClfCurve {
  // sorting each class's scores natively and merging them from the top is
  // several times faster than an index sort with a comparator
  let nPos = 0;
  for (let i = 0; i < isPos.length; i++) nPos += isPos[i];
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(isPos.length - nPos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < isPos.length; i++) {
    if (isPos[i]) pos[a++] = score[i];
    else neg[b++] = score[i];
  }
  pos.sort();
  neg.sort();
  const tps: number[] = [];
  const fps: number[] = [];
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    // tied scores share one threshold, so the curve does not depend on tie order
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    tps.push(tp);
    fps.push(fp);
  }
  return { tps: Float64Array.from(tps), fps: Float64Array.from(fps) };
}

const ONE_CLASS = 'Only one class present in y_true. ROC AUC score is not defined in that case.';

/** Area under the ROC curve by the trapezoidal rule, as scikit-learn's `roc_curve` + `auc`. */
function binaryRocAuc(metric: string, isPos: Uint8Array, score: ArrayLike<number>): number {
  const { tps, fps } = clfCurve(isPos, score);
  const P = tps[tps.length - 1];
  const N = fps[fps.length - 1];
  if (P === 0 || N === 0) throw new DataError(`${metric}: ${ONE_CLASS}`);
  let area = 0;
  let x0 = 0;
  let y0 = 0;
  for (let k = 0; k < tps.length; k++) {
    const x = fps[k] / N;
    const y = tps[k] / P;
    area += ((x - x0) * (y + y0)) / 2;
    x0 = x;
    y0 = y;
  }
  return area;
}

function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

function checkSortedUnique(metric: string, labels: Float64Array): void {
  for (let k = 1; k < labels.length; k++) {
    if (!(labels[k] > labels[k - 1])) {
      throw new ParameterError(`${metric}: 'labels' must be unique and sorted ascending; got ${formatLabels(labels)}`, 'labels');
    }
  }
}

/**
 * Area under the ROC curve. Binary: y_score is the score of the greater
 * class, as a vector or a probability Matrix with two columns (the second is
 * used; scikit-learn only takes the vector). Multiclass: y_score is a
 * probability Matrix with one column per class in sorted class order, rows
 * summing to 1, scored one-vs-rest. Tied scores count as half-ordered.
 * Throws a DataError when y_true holds a single class (or, multiclass, when a
 * column's class is absent from y_true).
 */
export function rocAucScore(yTrue: Float64Array, yScore: Float64Array | Matrix, options: RocAucOptions = {}): number {
  const metric = 'roc_auc_score';
  const multiClass = options.multiClass ?? 'ovr';
  if (multiClass !== 'ovr') {
    throw new ParameterError(`${metric}: multi_class=${JSON.stringify(multiClass)} is not supported; only 'ovr' is implemented`, 'multi_class');
  }
  const average = options.average ?? 'macro';
  if (average !== 'macro' && average !== 'weighted') {
    throw new ParameterError(`${metric}: average must be 'macro' or 'weighted'; got ${JSON.stringify(average)}`, 'average');
  }
  checkFiniteVector(metric, 'y_true', yTrue);
  if (options.labels) checkSortedUnique(metric, options.labels);
  const present = uniqueLabels(yTrue);

  let vector: Float64Array | undefined;
  if (yScore instanceof Float64Array) {
    vector = yScore;
  } else if (yScore.cols === 1) {
    vector = yScore.data;
  } else if (yScore.cols === 2 && (options.labels ? options.labels.length === 2 : present.length <= 2)) {
    checkSameLength(metric, yTrue, { length: yScore.rows }, 'y_score');
    vector = column(yScore, 1);
  }

  if (vector !== undefined) {
    checkPair(metric, yTrue, vector, 'y_score');
    const classes = options.labels ?? present;
    if (present.length > 2 || classes.length > 2) {
      throw new DataError(
        `${metric}: y_true has ${present.length} classes ${formatLabels(present)}; multiclass ROC AUC needs y_score as a probability Matrix with one column per class`,
      );
    }
    if (present.length < 2) throw new DataError(`${metric}: ${ONE_CLASS}`);
    const codes = encodeAgainst(yTrue, classes);
    if (codes.includes(-1)) throw new DataError(`${metric}: y_true contains labels not in 'labels' ${formatLabels(classes)}`);
    const positive = classes.length - 1;
    const isPos = new Uint8Array(yTrue.length);
    for (let i = 0; i < yTrue.length; i++) isPos[i] = codes[i] === positive ? 1 : 0;
    return binaryRocAuc(metric, isPos, vector);
  }

  const proba = yScore as Matrix;
  checkSameLength(metric, yTrue, { length: proba.rows }, 'y_score');
  checkFiniteVector(metric, 'y_score', proba.data);
  const classes = options.labels ?? present;
  if (classes.length !== proba.cols) {
    throw new DataError(
      options.labels
        ? `${metric}: number of given labels, ${classes.length}, not equal to the number of columns in 'y_score', ${proba.cols}`
        : `${metric}: number of classes in y_true (${classes.length}, ${formatLabels(classes)}) not equal to the number of columns in 'y_score' (${proba.cols}); pass the model's classes as 'labels'`,
    );
  }
  for (let i = 0; i < proba.rows; i++) {
    let s = 0;
    for (let j = 0; j < proba.cols; j++) s += proba.data[i * proba.cols + j];
    // numpy.allclose(1, s), the tolerance scikit-learn uses
    if (!(Math.abs(1 - s) <= 1e-8 + 1e-5 * Math.abs(s))) {
      throw new DataError(
        `${metric}: target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes (row ${i} sums to ${s})`,
      );
    }
  }
  const codes = encodeAgainst(yTrue, classes);
  if (codes.includes(-1)) throw new DataError(`${metric}: y_true contains labels not in 'labels' ${formatLabels(classes)}`);
  const isPos = new Uint8Array(yTrue.length);
  let total = 0;
  let weightSum = 0;
  for (let k = 0; k < classes.length; k++) {
    let count = 0;
    for (let i = 0; i < yTrue.length; i++) {
      isPos[i] = codes[i] === k ? 1 : 0;
      count += isPos[i];
    }
    if (count === 0 || count === yTrue.length) {
      throw new DataError(`${metric}: class ${classes[k]} (one-vs-rest): ${ONE_CLASS}`);
    }
    const auc = binaryRocAuc(metric, isPos, column(proba, k));
    const w = average === 'weighted' ? count : 1;
    total += w * auc;
    weightSum += w;
  }
  return total / weightSum;
}

/**
 * Average precision of a binary scorer: the precision at each threshold
 * weighted by the recall gained there (scikit-learn's step-function
 * integral, not the trapezoidal area). With no positive sample in y_true it is
 * 0, as in scikit-learn.
 */
export function averagePrecisionScore(yTrue: Float64Array, yScore: Float64Array, options: AveragePrecisionOptions = {}): number {
  const metric = 'average_precision_score';
  checkPair(metric, yTrue, yScore, 'y_score');
  const posLabel = options.posLabel ?? 1;
  const present = uniqueLabels(yTrue);
  if (present.length > 2) {
    throw new DataError(`${metric}: only binary y_true is supported; got ${present.length} classes ${formatLabels(present)}`);
  }
  if (present.length === 2 && !present.includes(posLabel)) {
    throw new DataError(`${metric}: pos_label=${posLabel} is not a valid label. It should be one of ${formatLabels(present)}`);
  }
  const isPos = new Uint8Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) isPos[i] = yTrue[i] === posLabel ? 1 : 0;
  const { tps, fps } = clfCurve(isPos, yScore);
  const P = tps[tps.length - 1];
  if (P === 0) return 0;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < tps.length; k++) {
    const recall = tps[k] / P;
    ap += (recall - prevRecall) * (tps[k] / (tps[k] + fps[k]));
    prevRecall = recall;
  }
  return ap;
}
