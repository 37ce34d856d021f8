import { DataError, NotFittedError, ParameterError } from '../ml/base/errors.js';
import { isClassifier, type Classifier, type Estimator } from '../ml/base/estimator.js';
import { createMatrix, take, takeRows, type Matrix } from '../ml/base/matrix.js';
import { findColumn, type Table } from '../ml/data/table.js';
import { defaultMetrics, getMetric, metricDirection, scoreAll } from '../ml/metrics/registry.js';
import { ModelPipeline } from '../ml/pipeline/model-pipeline.js';
import { ClassEncoder, numericTarget } from '../ml/pipeline/target-encoder.js';
import { biasSection, type BiasSection } from './bias-section.js';
import { calibrationCurve, confusionView, finiteOrNull, residualSummary, type CalibrationView, type ConfusionMatrixView, type ResidualSummary } from './diagnostics.js';
import { sliceGroups } from './slice-groups.js';

/** What the `evaluate` task needs: a saved pipeline and the data to score it on. */
export interface EvaluatePayload {
  /** the pipeline JSON (the version's artifact, parsed) */
  model: unknown;
  table: Table;
  /** column holding the true values */
  target: string;
  /** columns to slice the metrics by */
  slices: string[];
  /** columns to compute the bias report for (classification) */
  sensitiveFeatures: string[];
  /** the metric slices are ranked by and gates compare */
  primaryMetric: string;
  /** positive class for the bias report and the calibration curve; default the greater of two classes */
  posLabel?: number | string;
  /** quantile bins for numeric slice and sensitive columns @defaultValue 4 */
  sliceBins?: number;
  /** @defaultValue 10 */
  calibrationBins?: number;
}

/** Metrics of one slice. */
export interface SliceResult {
  column: string;
  slice: string;
  rows: number;
  metrics: Record<string, number | null>;
  /** the primary metric's value in this slice */
  value: number | null;
}

/** The whole evaluation, snake_case, JSON-safe (no NaN, no arrays inside arrays). */
export interface EvaluationReport {
  task: 'classification' | 'regression' | 'timeseries';
  rows: number;
  metrics: Record<string, number | null>;
  primary_metric: { name: string; value: number | null; direction: 'maximize' | 'minimize' };
  /** every slice of every column, worst first by the primary metric (undefined values last) */
  slices: SliceResult[];
  bias: BiasSection | null;
  confusion_matrix: ConfusionMatrixView | null;
  calibration: CalibrationView | null;
  residuals: ResidualSummary | null;
}

export type EvaluateOutcome = { ok: true; report: EvaluationReport } | { ok: false; error: { name: string; message: string; details?: unknown } };

function finite(metrics: Record<string, number | null>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(metrics)) out[k] = v === null ? null : finiteOrNull(v);
  return out;
}

/** Orders slices worst first: lowest score or highest error; undefined values last, then bigger slices first. */
export function worstFirst(slices: SliceResult[], direction: 'maximize' | 'minimize'): SliceResult[] {
  const sign = direction === 'maximize' ? 1 : -1;
  return slices.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? b.rows - a.rows : 1) : -1;
    return sign * (a.value - b.value) || b.rows - a.rows;
  });
}

/** Probabilities with one column per class code 0..k-1 (zeros for codes the estimator does not know). */
function probaByCode(est: Classifier, X: Matrix, k: number): Matrix {
  const p = est.predictProba(X);
  const cls = est.classes;
  const out = createMatrix(p.rows, k);
  for (let i = 0; i < p.rows; i++) for (let j = 0; j < cls.length; j++) out.data[i * k + cls[j]] = p.data[i * p.cols + j];
  return out;
}

function requireColumn(table: Table, name: string, what: string) {
  const col = findColumn(table, name);
  if (!col) throw new DataError(`The ${what} column '${name}' is not in the data. Available columns: ${table.columns.map((c) => `'${c.name}'`).join(', ')}.`, { column: name });
  return col;
}

/**
 * Scores a saved pipeline on a table: overall metrics, metrics per slice of
 * the named columns (worst first), a bias report per sensitive feature,
 * and the confusion matrix and calibration curve (classification) or the
 * residual summary (regression). Pure: a Piscina task runs it.
 */
export function evaluateModel(p: EvaluatePayload): EvaluationReport {
  const pipeline = ModelPipeline.fromJSON(p.model);
  const task = pipeline.task;
  const spec = getMetric(p.primaryMetric);
  const direction = metricDirection(p.primaryMetric);
  const targetCol = requireColumn(p.table, p.target, 'target');
  const rows = p.table.rowCount;
  const withPrimary = (names: readonly string[]): string[] => (names.includes(spec.name) ? [...names] : [...names, spec.name]);

  if (task === 'timeseries') {
    const yTrue = numericTarget(targetCol, undefined, 'a time series');
    const yPred = Float64Array.from(pipeline.forecast(rows));
    const metrics = finite(scoreAll('timeseries', yTrue, yPred, undefined, undefined, { metrics: withPrimary(defaultMetrics('timeseries', false)) }));
    return {
      task,
      rows,
      metrics,
      primary_metric: { name: spec.name, value: metrics[spec.name] ?? null, direction },
      slices: [],
      bias: null,
      confusion_matrix: null,
      calibration: null,
      residuals: residualSummary(yTrue, yPred),
    };
  }

  const X = pipeline.transform(p.table);
  const est = pipeline.estimator as Estimator;
  const yPred = est.predict(X);
  let yTrue: Float64Array;
  let proba: Matrix | undefined;
  let classCodes: Float64Array | undefined;
  let labels: Array<number | string> = [];
  if (task === 'classification') {
    if (!isClassifier(est)) throw new Error(`model type '${est.type}' is registered for classification but is not a Classifier`);
    const encoder = ClassEncoder.fromJSON((p.model as { target?: unknown }).target);
    const encoded = encoder.encode(targetCol);
    yTrue = encoded.codes;
    labels = [...encoder.classes, ...encoded.unseen];
    proba = probaByCode(est, X, labels.length);
    classCodes = Float64Array.from(labels, (_, c) => c);
  } else {
    yTrue = numericTarget(targetCol, undefined, 'regression');
  }
  const metricNames = withPrimary(defaultMetrics(task, proba !== undefined));
  const score = (idx?: Int32Array): Record<string, number | null> =>
    finite(
      idx
        ? scoreAll(task, take(yTrue, idx), take(yPred, idx), proba ? takeRows(proba, idx) : undefined, classCodes, { metrics: metricNames })
        : scoreAll(task, yTrue, yPred, proba, classCodes, { metrics: metricNames }),
    );
  const metrics = score();

  const slices: SliceResult[] = [];
  for (const name of p.slices) {
    for (const g of sliceGroups(requireColumn(p.table, name, 'slice'), { bins: p.sliceBins })) {
      const m = score(g.rows);
      slices.push({ column: name, slice: g.label, rows: g.rows.length, metrics: m, value: m[spec.name] ?? null });
    }
  }

  let confusion: ConfusionMatrixView | null = null;
  let calibration: CalibrationView | null = null;
  let bias: BiasSection | null = null;
  if (task === 'classification') {
    confusion = confusionView(yTrue, yPred, labels);
    const positive = positiveCode(labels, p.posLabel);
    calibration = calibrationCurve(yTrue, proba!, { positive: labels.length === 2 || p.posLabel !== undefined ? positive : null, labels, bins: p.calibrationBins });
    if (p.sensitiveFeatures.length) {
      bias = biasSection({
        yTrue,
        yPred,
        labels,
        positive,
        groups: p.sensitiveFeatures.map((name) => ({ feature: name, groups: sliceGroups(requireColumn(p.table, name, 'sensitive feature'), { bins: p.sliceBins }) })),
        rows,
      });
    }
  }
  return {
    task,
    rows,
    metrics,
    primary_metric: { name: spec.name, value: metrics[spec.name] ?? null, direction },
    slices: worstFirst(slices, direction),
    bias,
    confusion_matrix: confusion,
    calibration,
    residuals: task === 'regression' ? residualSummary(yTrue, yPred) : null,
  };
}

/** The positive class's code: `posLabel` when given (matched as text or number), else the greater of the model's classes. */
function positiveCode(labels: Array<number | string>, posLabel: number | string | undefined): number | null {
  if (posLabel === undefined) return labels.length === 2 ? 1 : null;
  const i = labels.findIndex((l) => l === posLabel || String(l) === String(posLabel));
  if (i < 0) throw new ParameterError(`pos_label ${JSON.stringify(posLabel)} is not one of the classes (${labels.map((l) => JSON.stringify(l)).join(', ')})`, 'pos_label');
  return i;
}

/** The Piscina-facing wrapper: errors the user caused come back as values (error classes do not cross threads). */
export function evaluateTask(p: EvaluatePayload): EvaluateOutcome {
  try {
    return { ok: true, report: evaluateModel(p) };
  } catch (err) {
    if (err instanceof DataError || err instanceof ParameterError || err instanceof NotFittedError) {
      return { ok: false, error: { name: err.name, message: err.message, details: err instanceof DataError ? err.details : undefined } };
    }
    throw err;
  }
}
