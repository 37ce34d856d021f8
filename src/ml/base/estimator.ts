import type { Matrix } from './matrix.js';
import type { Params } from './params.js';

export type Task = 'classification' | 'regression';

/** Progress reported by a long fit (boosting rounds, epochs...). */
export interface FitProgress {
  /** steps done so far */
  step: number;
  /** steps planned */
  total: number;
  /** optional validation numbers at this step, e.g. `{ valid_loss: 0.31 }` */
  values?: Record<string, number>;
}

/** Options every `fit` accepts. */
export interface FitOptions {
  /** Aborts a long fit between steps; the fit then throws AbortError. */
  signal?: AbortSignal;
  /** Called between steps of a long fit. */
  onProgress?: (progress: FitProgress) => void;
  /** Held-out rows for early stopping and validation curves, for estimators that support it. */
  validation?: { X: Matrix; y: Float64Array };
  /** Stop after this many rounds/epochs without improvement on `validation`; absent means no early stopping. */
  earlyStoppingRounds?: number;
  /**
   * Fit in pieces, for estimators whose model type has `rounds` (boosting):
   * run rounds up to `until` only, continuing from `from`, the
   * {@link Resumable.checkpoint} an earlier piece left on the same data and
   * hyperparameters, on this thread or another. The pieces together give
   * exactly the model one whole fit gives. Not with early stopping.
   */
  rounds?: { from?: Checkpoint; until: number };
}

/** Where a fit in pieces stands: structured-cloneable, so the next piece can run on another thread. */
export interface Checkpoint {
  /** rounds done */
  rounds: number;
  state: unknown;
}

/** An estimator fitted with `options.rounds` hands its checkpoint to the next piece. */
export interface Resumable {
  checkpoint(): Checkpoint;
}

/**
 * The saved form of a fitted estimator: versioned plain JSON, validated on
 * load (never evaluated). Typed arrays are stored as plain number arrays.
 */
export interface EstimatorJSON {
  format: 'trainyard.estimator';
  formatVersion: 1;
  /** the model.type name, e.g. 'gradient_boosting' */
  type: string;
  params: Params;
  state: unknown;
}

/** The saved form's envelope around an estimator's state. */
export function estimatorJSON(type: string, params: Params, state: unknown): EstimatorJSON {
  return { format: 'trainyard.estimator', formatVersion: 1, type, params, state };
}

/**
 * The scikit-learn contract. The constructor only stores hyperparameters
 * (validated there); `fit` returns `this`; predicting before fitting throws
 * NotFittedError; `getParams()` is plain JSON; `clone()` is an unfitted copy.
 * Rows of X with NaN are allowed only by estimators that handle missing values.
 */
export interface Estimator {
  /** model.type name */
  readonly type: string;
  readonly task: Task;
  fit(X: Matrix, y: Float64Array, options?: FitOptions): this;
  /** regression: values; classification: labels (values of `classes`) */
  predict(X: Matrix): Float64Array;
  getParams(): Params;
  clone(): Estimator;
  toJSON(): EstimatorJSON;
}

/**
 * A classifier accepts any numeric labels in y; `classes` holds them sorted
 * ascending after fit, and `predictProba` has one column per class in that order.
 */
export interface Classifier extends Estimator {
  readonly task: 'classification';
  readonly classes: Float64Array;
  predictProba(X: Matrix): Matrix;
}

/** Estimators that report per-feature importances after fit (tree gain). */
export interface HasFeatureImportances {
  featureImportances(): Float64Array;
}

/** A univariate time-series model: fit on the series in order, forecast the next h values. */
export interface Forecaster {
  readonly type: string;
  readonly task: 'timeseries';
  fit(y: Float64Array, options?: FitOptions): this;
  forecast(horizon: number): Float64Array;
  getParams(): Params;
  clone(): Forecaster;
  toJSON(): EstimatorJSON;
}

export function isClassifier(e: Estimator): e is Classifier {
  return e.task === 'classification';
}
