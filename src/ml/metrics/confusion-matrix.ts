import { DataError, ParameterError } from '../base/errors.js';
import { createMatrix, type Matrix } from '../base/matrix.js';
import { checkPair, encodeAgainst, uniqueLabels } from './check-inputs.js';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /**
   * Labels indexing the rows and columns, in this order; samples whose true or
   * predicted label is not among them are left out.
   * @defaultValue the sorted union of y_true and y_pred (`uniqueLabels(yTrue, yPred)`)
   */
  labels?: Float64Array;
  /**
   * Divide counts by the row sums ('true'), column sums ('pred') or the total
   * ('all'); an empty row or column gives zeros.
   * @defaultValue counts, not normalised
   */
  normalize?: 'true' | 'pred' | 'all';
}

/**
 * scikit-learn's `confusion_matrix`: entry (i, j) counts samples of true label
 * i predicted as label j, in the order of `options.labels`.
 */
export function confusionMatrix(yTrue: Float64Array, yPred: Float64Array, options: ConfusionMatrixOptions = {}): Matrix {
  const metric = 'confusion_matrix';
  checkPair(metric, yTrue, yPred);
  let labels = options.labels;
  if (labels === undefined) {
    labels = uniqueLabels(yTrue, yPred);
  } else {
    if (labels.length === 0) throw new ParameterError(`${metric}: 'labels' should contain at least one label`, 'labels');
    const present = new Set(yTrue);
    if (!labels.some((l) => present.has(l))) throw new DataError(`${metric}: at least one label specified must be in y_true`);
  }
  const k = labels.length;
  const t = encodeAgainst(yTrue, labels);
  const p = encodeAgainst(yPred, labels);
  const cm = createMatrix(k, k);
  const d = cm.data;
  for (let i = 0; i < t.length; i++) if (t[i] >= 0 && p[i] >= 0) d[t[i] * k + p[i]] += 1;
  if (options.normalize !== undefined) normalizeCounts(cm, options.normalize);
  return cm;
}

function normalizeCounts(cm: Matrix, how: 'true' | 'pred' | 'all'): void {
  const k = cm.rows;
  const d = cm.data;
  const safe = (num: number, den: number) => (den === 0 ? 0 : num / den);
  if (how === 'all') {
    let total = 0;
    for (let i = 0; i < d.length; i++) total += d[i];
    for (let i = 0; i < d.length; i++) d[i] = safe(d[i], total);
  } else if (how === 'true') {
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += d[i * k + j];
      for (let j = 0; j < k; j++) d[i * k + j] = safe(d[i * k + j], s);
    }
  } else if (how === 'pred') {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += d[i * k + j];
      for (let i = 0; i < k; i++) d[i * k + j] = safe(d[i * k + j], s);
    }
  } else {
    throw new ParameterError(`confusion_matrix: normalize must be one of 'true', 'pred', 'all'; got ${JSON.stringify(how)}`, 'normalize');
  }
}
