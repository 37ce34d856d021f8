import { DataError, ParameterError } from '../base/errors.js';
import type { Task } from '../base/estimator.js';
import { createMatrix, type Matrix } from '../base/matrix.js';
import { checkNumber } from '../base/params.js';
import { Rng } from '../base/random.js';
import { defaultMetric, getMetric, type MetricName, type MetricSpec } from '../metrics/registry.js';

/** A bare prediction function: rows in, one prediction per row out. */
export type PredictFn = (X: Matrix) => Float64Array;

/** Anything that predicts: an Estimator or Classifier fits, so does a hand-written object. */
export interface Predictor {
  predict(X: Matrix): Float64Array;
  /** needed by probability metrics (roc_auc, log_loss...) */
  predictProba?(X: Matrix): Matrix;
  /** the classes of the predictProba columns, sorted ascending */
  readonly classes?: Float64Array;
  readonly task?: Task | 'timeseries';
}

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /**
   * Metric wire name from the registry (`'accuracy'`, `'rmse'`...). Required
   * with a bare predict function.
   * @defaultValue the model task's default metric (accuracy / rmse)
   */
  metric?: string;
  /**
   * Shuffles per feature.
   * @defaultValue 5
   */
  nRepeats?: number;
  /**
   * Seed of the shuffles; same seed, same result.
   * @defaultValue 0
   */
  seed?: number;
}

/** What {@link permutationImportance} returns; one entry per feature (column of X). */
export interface PermutationImportanceResult {
  /** mean drop in score over the repeats */
  importancesMean: Float64Array;
  /** population standard deviation (ddof 0, as numpy) of the drops */
  importancesStd: Float64Array;
  /** each drop: row = feature, column = repeat */
  importances: Matrix;
  /** the metric on unshuffled X */
  baselineScore: number;
  metric: MetricName;
}

/**
 * Permutation feature importance (scikit-learn's `permutation_importance`):
 * how much the score drops when one feature's values are shuffled across
 * rows, breaking its link to y. The drop is `baseline - permuted` for scores
 * and `permuted - baseline` for errors and losses (scikit-learn negates
 * them), so positive always means the model relies on the feature; values
 * near 0 (or below) mean it does not. As in scikit-learn, every feature sees
 * the same sequence of row permutations. X is not modified.
 */
export function permutationImportance(
  model: PredictFn | Predictor,
  X: Matrix,
  y: Float64Array,
  options: PermutationImportanceOptions = {},
): PermutationImportanceResult {
  const name = 'permutation_importance';
  const predictor: Predictor = typeof model === 'function' ? { predict: model } : model;
  const nRepeats = checkNumber(name, 'n_repeats', options.nRepeats ?? 5, { kind: 'int', min: 1 });
  const seed = checkNumber(name, 'seed', options.seed ?? 0, { kind: 'int', min: 0, max: 4294967295 });
  let metricName = options.metric;
  if (metricName === undefined) {
    if (predictor.task === undefined) {
      throw new ParameterError(`${name}: pass options.metric when the model is a bare predict function (no task to pick a default from)`, 'metric');
    }
    metricName = defaultMetric(predictor.task);
  }
  const spec = getMetric(metricName);
  const task = predictor.task === 'timeseries' ? 'regression' : predictor.task;
  if (task !== undefined && spec.task !== task) {
    throw new ParameterError(`${name}: metric '${spec.name}' is a ${spec.task} metric but the model's task is ${predictor.task}`, 'metric');
  }
  if (spec.needsProba && typeof predictor.predictProba !== 'function') {
    throw new DataError(`${name}: metric '${spec.name}' needs predicted probabilities but the model has no predictProba`);
  }
  if (X.rows !== y.length) throw new DataError(`${name}: X has ${X.rows} rows but y has ${y.length} values`);
  if (X.rows === 0 || X.cols === 0) throw new DataError(`${name}: X is empty (${X.rows} x ${X.cols})`);

  const score = (Xs: Matrix): number => scoreOnce(name, spec, predictor, Xs, y);
  const work = createMatrix(X.rows, X.cols, Float64Array.from(X.data));
  const baselineScore = score(work);
  const drop = (permuted: number) => (spec.greaterIsBetter ? baselineScore - permuted : permuted - baselineScore);

  const { rows: n, cols: p } = X;
  const importances = createMatrix(p, nRepeats);
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  const order = new Int32Array(n);
  for (let j = 0; j < p; j++) {
    const rng = new Rng(seed);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let r = 0; r < nRepeats; r++) {
      rng.shuffle(order);
      for (let i = 0; i < n; i++) work.data[i * p + j] = X.data[order[i] * p + j];
      importances.data[j * nRepeats + r] = drop(score(work));
    }
    for (let i = 0; i < n; i++) work.data[i * p + j] = X.data[i * p + j];
    const drops = importances.data.subarray(j * nRepeats, (j + 1) * nRepeats);
    let m = 0;
    for (let r = 0; r < nRepeats; r++) m += drops[r];
    m /= nRepeats;
    let v = 0;
    for (let r = 0; r < nRepeats; r++) v += (drops[r] - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / nRepeats);
  }
  return { importancesMean: mean, importancesStd: std, importances, baselineScore, metric: spec.name };
}

function scoreOnce(name: string, spec: MetricSpec, predictor: Predictor, X: Matrix, y: Float64Array): number {
  const yPred = predictor.predict(X);
  if (yPred.length !== y.length) throw new DataError(`${name}: the model returned ${yPred.length} predictions for ${y.length} rows`);
  const proba = spec.needsProba ? predictor.predictProba!(X) : undefined;
  const value = spec.compute({ yTrue: y, yPred, proba, classes: predictor.classes });
  if (value === null) throw new DataError(`${name}: metric '${spec.name}' is undefined on this data, so importances cannot be measured with it`);
  return value;
}
