import { isClassifier, type Estimator } from '../ml/base/estimator.js';
import type { Matrix } from '../ml/base/matrix.js';
import type { Table } from '../ml/data/table.js';
import type { ModelPipeline, PredictionResult } from '../ml/pipeline/model-pipeline.js';

/**
 * Estimator types whose `predict` is the first maximum of `predictProba`
 * (checked by test/unit/serving/table-predict.test.ts): for them one pass
 * over the trees gives both the labels and the probabilities, where
 * ModelPipeline.predict walks them twice.
 */
const ARGMAX_TYPES = new Set(['gradient_boosting', 'random_forest']);

/** Predictions of a table: labels or values, and for classifiers the probabilities (one row per prediction, columns in `classes` order). */
export interface TablePrediction {
  predictions: Float64Array | (number | string)[];
  probabilities: Matrix | null;
  classes: (number | string)[] | undefined;
}

/** ModelPipeline.predict, with the probabilities as one Matrix and a single pass for ARGMAX_TYPES. */
export function predictTable(pipeline: ModelPipeline, table: Table): TablePrediction {
  const classes = pipeline.classes;
  const est = pipeline.estimator as Estimator;
  if (pipeline.task === 'classification' && classes && ARGMAX_TYPES.has(est.type) && isClassifier(est) && table.rowCount > 0) {
    const X = pipeline.transform(table);
    const p = est.predictProba(X);
    const codes = est.classes;
    const k = classes.length;
    const rows = p.rows;
    const labels = new Array<number | string>(rows);
    const identity = codes.length === k && codes.every((c, j) => c === j);
    const out = identity ? p.data : new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) {
      const base = i * p.cols;
      let best = 0;
      for (let j = 1; j < p.cols; j++) if (p.data[base + j] > p.data[base + best]) best = j;
      labels[i] = classes[codes[best]];
      if (!identity) for (let j = 0; j < p.cols; j++) out[i * k + codes[j]] = p.data[base + j];
    }
    return { predictions: labels, probabilities: { rows, cols: k, data: out }, classes };
  }
  const result = pipeline.predict(table);
  if (!result.probabilities) return { predictions: result.predictions, probabilities: null, classes: undefined };
  const k = result.classes!.length;
  const data = new Float64Array(result.predictions.length * k);
  result.probabilities.forEach((row, i) => data.set(row, i * k));
  return { predictions: result.predictions, probabilities: { rows: result.predictions.length, cols: k, data }, classes: result.classes };
}

/** The same as ModelPipeline.predictRecords (instances checked, features named in errors), through predictTable. */
export function predictRecords(pipeline: ModelPipeline, records: readonly Record<string, unknown>[]): PredictionResult {
  if (pipeline.task === 'timeseries') return pipeline.predictRecords(records);
  const t = predictTable(pipeline, pipeline.recordsToTable(records));
  const predictions = Array.from(t.predictions as ArrayLike<number | string>);
  if (!t.probabilities) return { predictions };
  const { cols, data } = t.probabilities;
  const probabilities: number[][] = [];
  for (let i = 0; i < predictions.length; i++) probabilities.push(Array.from(data.subarray(i * cols, (i + 1) * cols)));
  return { predictions, probabilities, classes: t.classes };
}
