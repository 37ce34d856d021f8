import { checkFeatureCount, checkXY } from '../base/checks.js';
import { AbortError, DataError, NotFittedError } from '../base/errors.js';
import { estimatorJSON, type Classifier, type Estimator, type EstimatorJSON, type FitOptions, type HasFeatureImportances } from '../base/estimator.js';
import { encodeLabels } from '../base/labels.js';
import type { Matrix } from '../base/matrix.js';
import type { Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import { readClasses, readEnvelope, readFloats, readInt } from './saved-state.js';
import { averageLeafValues, flattenTrees, treesFromJSON, treesToJSON, type TreeArrays } from './tree-arrays.js';
import { featuresPerSplit, resolveJobs, type MaxFeatures } from './tree-params.js';
import { binMatrixOnThreads, growTrees } from './tree-pool.js';

/** The settings a forest or a single tree fits with, read from its params. */
export interface ForestSettings {
  nEstimators: number;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: MaxFeatures;
  bootstrap: boolean;
  maxBin: number;
  seed: number;
  nJobs: number;
}

export function checkMatrix(name: string, X: Matrix): void {
  if (!X || !(X.data instanceof Float64Array) || X.data.length !== X.rows * X.cols) {
    throw new DataError(`${name}: X must be a Matrix whose data holds rows x cols values`);
  }
  if (X.cols === 0) throw new DataError(`${name}: X has 0 features; at least 1 is required`);
}

/**
 * Shared core of random forests and decision trees: bins X once, grows
 * trees from per-tree seeds drawn up front (on several threads when n_jobs
 * > 1, with the same result), and predicts by averaging leaf values
 * (class fractions, or means).
 */
abstract class ForestBase implements HasFeatureImportances {
  abstract readonly type: string;
  protected abstract readonly name: string;
  protected trees: TreeArrays | null = null;
  protected nFeatures = 0;
  protected importances: Float64Array = new Float64Array(0);

  constructor(protected readonly params: Params) {}

  protected abstract settings(): ForestSettings;

  getParams(): Params {
    return { ...this.params };
  }

  featureImportances(): Float64Array {
    this.checkFitted();
    return this.importances.slice();
  }

  /** Number of trees fitted. */
  get treeCount(): number {
    return this.trees ? this.trees.roots.length : 0;
  }

  protected checkFitted(): TreeArrays {
    if (!this.trees) throw new NotFittedError(this.name);
    return this.trees;
  }

  protected grow(X: Matrix, target: Float64Array, nClasses: number, options: FitOptions): void {
    const s = this.settings();
    if (options.signal?.aborted) throw new AbortError(`${this.name}: fit aborted`);
    const threads = Math.min(resolveJobs(s.nJobs), s.nEstimators);
    const binned = binMatrixOnThreads(X, s.maxBin, s.seed, threads);
    const rng = new Rng(s.seed);
    const seeds = new Float64Array(s.nEstimators);
    for (let t = 0; t < seeds.length; t++) seeds[t] = Math.floor(rng.next() * 4294967296);
    const grown = growTrees(
      binned,
      target,
      {
        maxDepth: s.maxDepth ?? Infinity,
        minSamplesSplit: s.minSamplesSplit,
        minSamplesLeaf: s.minSamplesLeaf,
        featuresPerSplit: featuresPerSplit(s.maxFeatures, X.cols),
        nClasses,
        bootstrap: s.bootstrap,
      },
      seeds,
      threads,
      (done) => {
        options.onProgress?.({ step: done, total: s.nEstimators });
        return !options.signal?.aborted;
      },
    );
    if (!grown) throw new AbortError(`${this.name}: fit aborted`);
    const importance = new Float64Array(X.cols);
    for (const t of grown) {
      let sum = 0;
      for (let j = 0; j < X.cols; j++) sum += t.importance[j];
      if (sum > 0) for (let j = 0; j < X.cols; j++) importance[j] += t.importance[j] / sum;
    }
    let total = 0;
    for (let j = 0; j < X.cols; j++) total += importance[j];
    if (total > 0) for (let j = 0; j < X.cols; j++) importance[j] /= total;
    this.trees = flattenTrees(grown, nClasses > 0 ? nClasses : 1);
    this.nFeatures = X.cols;
    this.importances = importance;
  }

  /** Mean leaf value over trees: rows x valueDim. */
  protected average(X: Matrix): Float64Array {
    const trees = this.checkFitted();
    checkMatrix(this.name, X);
    checkFeatureCount(this.name, X, this.nFeatures);
    const out = new Float64Array(X.rows * trees.valueDim);
    averageLeafValues(trees, X.data, X.rows, X.cols, out);
    return out;
  }

  protected stateJSON(task: string, extra: Record<string, unknown>): EstimatorJSON {
    const trees = this.checkFitted();
    return estimatorJSON(this.type, this.getParams(), { task, ...extra, nFeatures: this.nFeatures, importances: Array.from(this.importances), trees: treesToJSON(trees) });
  }

  protected loadState(state: Record<string, unknown>, valueDim: number): void {
    this.nFeatures = readInt(state, 'nFeatures', 1);
    this.importances = readFloats(state, 'importances', this.nFeatures);
    const trees = treesFromJSON(state.trees, this.nFeatures, valueDim);
    if (trees.roots.length === 0) throw new DataError(`invalid ${this.type} model: no trees`);
    this.trees = trees;
  }
}

/** Forest or tree classifier: probabilities are the mean class fractions of the leaves reached. */
export abstract class ForestClassifier extends ForestBase implements Classifier {
  readonly task = 'classification' as const;
  private classes_: Float64Array | null = null;

  get classes(): Float64Array {
    if (!this.classes_) throw new NotFittedError(this.name);
    return this.classes_;
  }

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkMatrix(this.name, X);
    checkXY(this.name, X, y, true);
    const { classes, codes } = encodeLabels(y, this.name);
    this.grow(X, Float64Array.from(codes), classes.length, options);
    this.classes_ = classes;
    return this;
  }

  predictProba(X: Matrix): Matrix {
    const K = this.classes.length;
    return { rows: X.rows, cols: K, data: this.average(X) };
  }

  predict(X: Matrix): Float64Array {
    const classes = this.classes;
    const K = classes.length;
    const P = this.average(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (P[i * K + k] > P[i * K + best]) best = k;
      out[i] = classes[best];
    }
    return out;
  }

  abstract clone(): ForestClassifier;

  toJSON(): EstimatorJSON {
    return this.stateJSON('classification', { classes: Array.from(this.classes) });
  }

  /** Restores a saved classifier into `model` (an unfitted instance built from the saved params). */
  protected static restore<T extends ForestClassifier>(json: EstimatorJSON, type: string, make: (params: Params) => T): T {
    const { params, state } = readEnvelope(json, type);
    if (state.task !== 'classification') throw new DataError(`invalid ${type} model: task ${JSON.stringify(state.task)} is not classification`);
    const model = make(params);
    const classes = readClasses(state);
    model.loadState(state, classes.length);
    model.classes_ = classes;
    return model;
  }
}

/** Forest or tree regressor: the mean of the leaf means reached. */
export abstract class ForestRegressor extends ForestBase implements Estimator {
  readonly task = 'regression' as const;

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkMatrix(this.name, X);
    checkXY(this.name, X, y, true);
    this.grow(X, y, 0, options);
    return this;
  }

  predict(X: Matrix): Float64Array {
    return this.average(X);
  }

  abstract clone(): ForestRegressor;

  toJSON(): EstimatorJSON {
    return this.stateJSON('regression', {});
  }

  protected static restore<T extends ForestRegressor>(json: EstimatorJSON, type: string, make: (params: Params) => T): T {
    const { params, state } = readEnvelope(json, type);
    if (state.task !== 'regression') throw new DataError(`invalid ${type} model: task ${JSON.stringify(state.task)} is not regression`);
    const model = make(params);
    model.loadState(state, 1);
    return model;
  }
}
