import { DataError, ParameterError } from '../base/errors.js';
import type { Matrix } from '../base/matrix.js';
import { checkFiniteVector, checkPair, checkSameLength, encodeAgainst, formatLabels, uniqueLabels } from './check-inputs.js';

/** Options of {@link logLoss}. */
export interface LogLossOptions {
  /**
   * Probabilities are clipped to [eps, 1 - eps] before the log.
   * @defaultValue Number.EPSILON (scikit-learn's 'auto' for float64)
   */
  eps?: number;
  /**
   * The class of each probability column, sorted ascending (the estimator's
   * `classes`). Needed when y_true holds fewer classes than the model.
   * @defaultValue the sorted distinct values of y_true
   */
  labels?: Float64Array;
}

/** Options of {@link brierScoreLoss}. */
export interface BrierScoreOptions {
  /**
   * The class whose probability y_prob is.
   * @defaultValue 1 when y_true takes values in {0, 1} or {-1, 1}, else the greater label (scikit-learn's numeric fallback)
   */
  posLabel?: number;
}

/**
 * Cross-entropy of the predicted probabilities (natural log), as
 * scikit-learn 1.2's `log_loss`: clip to [eps, 1 - eps], renormalise each
 * row, average -log p(true class). `yProba` is a Matrix with one column per
 * class in sorted order, or a vector of the greater class's probability.
 */
export function logLoss(yTrue: Float64Array, yProba: Matrix | Float64Array, options: LogLossOptions = {}): number {
  const metric = 'log_loss';
  const eps = options.eps ?? Number.EPSILON;
  if (!(eps >= 0 && eps < 0.5)) throw new ParameterError(`${metric}: eps must be in [0, 0.5); got ${eps}`, 'eps');
  const rows = yProba instanceof Float64Array ? yProba.length : yProba.rows;
  checkSameLength(metric, yTrue, { length: rows });
  checkFiniteVector(metric, 'y_true', yTrue);
  checkFiniteVector(metric, 'y_pred', yProba instanceof Float64Array ? yProba : yProba.data);

  const classes = options.labels ? uniqueLabels(options.labels) : uniqueLabels(yTrue);
  if (classes.length < 2) {
    throw new DataError(
      options.labels
        ? `${metric}: the labels array needs to contain at least two labels, got ${formatLabels(classes)}`
        : `${metric}: y_true contains only one label (${classes[0]}). Please provide the true labels explicitly through the labels argument.`,
    );
  }
  const codes = encodeAgainst(yTrue, classes);
  const bad = codes.indexOf(-1);
  if (bad >= 0) throw new DataError(`${metric}: y_true contains label ${yTrue[bad]} not among the labels ${formatLabels(classes)}`);

  const clip = (p: number) => Math.min(Math.max(p, eps), 1 - eps);
  const cols = yProba instanceof Float64Array || yProba.cols === 1 ? 2 : yProba.cols;
  if (cols !== classes.length) {
    throw new DataError(
      `${metric}: y_true and y_pred contain different numbers of classes ${classes.length}, ${cols}. Classes: ${formatLabels(classes)}; pass the model's classes as 'labels'`,
    );
  }
  const row = new Float64Array(cols);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    if (yProba instanceof Float64Array || yProba.cols === 1) {
      const p = clip(yProba instanceof Float64Array ? yProba[i] : yProba.data[i]);
      row[0] = 1 - p;
      row[1] = p;
    } else {
      for (let j = 0; j < cols; j++) row[j] = clip(yProba.data[i * cols + j]);
    }
    let s = 0;
    for (let j = 0; j < cols; j++) s += row[j];
    total -= Math.log(row[codes[i]] / s);
  }
  return total / rows;
}

/**
 * Mean squared difference between the predicted probability of the positive
 * class and the outcome (1 if positive, else 0). Binary targets only.
 * Accepts a vector or a two-column probability Matrix (the column of the
 * positive class, in sorted class order, is used).
 */
export function brierScoreLoss(yTrue: Float64Array, yProb: Float64Array | Matrix, options: BrierScoreOptions = {}): number {
  const metric = 'brier_score_loss';
  const present = uniqueLabels(yTrue);
  checkFiniteVector(metric, 'y_true', yTrue);
  if (present.length > 2) {
    throw new DataError(`${metric}: only binary classification is supported; y_true has ${present.length} classes ${formatLabels(present)}`);
  }
  let posLabel = options.posLabel;
  if (posLabel === undefined) {
    const onlyNegative = present.length === 1 && (present[0] === 0 || present[0] === -1);
    posLabel = onlyNegative ? 1 : present[present.length - 1];
  }
  let p: Float64Array;
  if (yProb instanceof Float64Array) {
    p = yProb;
  } else if (yProb.cols === 1) {
    p = yProb.data;
  } else if (yProb.cols === 2) {
    checkSameLength(metric, yTrue, { length: yProb.rows }, 'y_prob');
    // a two-column Matrix is [P(smaller class), P(greater class)]
    const col = present.length === 2 && posLabel === present[0] ? 0 : 1;
    p = new Float64Array(yProb.rows);
    for (let i = 0; i < yProb.rows; i++) p[i] = yProb.data[i * 2 + col];
  } else {
    throw new DataError(`${metric}: y_prob must be a vector or a two-column Matrix; got ${yProb.cols} columns`);
  }
  checkPair(metric, yTrue, p, 'y_prob');
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 1) throw new DataError(`${metric}: y_prob contains values greater than 1 (${p[i]} at index ${i})`);
    if (p[i] < 0) throw new DataError(`${metric}: y_prob contains values less than 0 (${p[i]} at index ${i})`);
    const d = (yTrue[i] === posLabel ? 1 : 0) - p[i];
    sum += d * d;
  }
  return sum / p.length;
}
