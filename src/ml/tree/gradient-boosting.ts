import { checkFeatureCount, checkXY } from '../base/checks.js';
import { AbortError, DataError, NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, type Checkpoint, type Classifier, type Estimator, type EstimatorJSON, type FitOptions, type HasFeatureImportances, type Resumable, type Task } from '../base/estimator.js';
import { encodeLabels } from '../base/labels.js';
import type { Matrix } from '../base/matrix.js';
import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import type { BinnedMatrix } from './binning.js';
import { BoostingTreeGrower, leafOfBinnedRow } from './boosting-tree-grower.js';
import { readClasses, readEnvelope, readFloats, readInt } from './saved-state.js';
import { addLeafSums, concatTrees, flattenTrees, treesFromJSON, treesToJSON, truncateTrees, type TreeArrays, type TreeBuilder } from './tree-arrays.js';
import { checkJobs, resolveJobs } from './tree-params.js';
import { binMatrixOnThreads } from './tree-pool.js';

/** Hyperparameters of gradient boosting (xgboost names). */
export interface GradientBoostingParams extends Params {
  /**
   * Shrinkage of each tree's leaf values (xgboost's eta).
   * @defaultValue 0.1
   */
  learning_rate: number;
  /**
   * Boosting rounds (one tree per round, or one per class and round for more than two classes).
   * @defaultValue 100
   */
  n_estimators: number;
  /**
   * Deepest level of a tree (the root is level 0).
   * @defaultValue 6
   */
  max_depth: number;
  /**
   * Least hessian sum in a child of a split.
   * @defaultValue 1
   */
  min_child_weight: number;
  /**
   * L2 penalty on leaf values.
   * @defaultValue 1
   */
  reg_lambda: number;
  /**
   * L1 penalty on leaf values.
   * @defaultValue 0
   */
  reg_alpha: number;
  /**
   * Least loss reduction a split must bring (xgboost's min_split_loss); weaker splits are pruned.
   * @defaultValue 0
   */
  gamma: number;
  /**
   * Fraction of rows each round draws (without replacement).
   * @defaultValue 1
   */
  subsample: number;
  /**
   * Fraction of features each tree draws.
   * @defaultValue 1
   */
  colsample_bytree: number;
  /**
   * Most value bins per feature (missing values get one more).
   * @defaultValue 255
   */
  max_bin: number;
  /**
   * Seed for row and feature sampling.
   * @defaultValue 0
   */
  seed: number;
  /**
   * Threads (-1: one per CPU); with 2 or more, helper threads share the work of each large histogram.
   * @defaultValue 1
   */
  n_jobs: number;
}

const DEFAULTS: GradientBoostingParams = {
  learning_rate: 0.1,
  n_estimators: 100,
  max_depth: 6,
  min_child_weight: 1,
  reg_lambda: 1,
  reg_alpha: 0,
  gamma: 0,
  subsample: 1,
  colsample_bytree: 1,
  max_bin: 255,
  seed: 0,
  n_jobs: 1,
};

type Objective = 'squared_error' | 'logistic' | 'softmax';

const TYPE = 'gradient_boosting';

function validateParams(name: string, params: Params): GradientBoostingParams {
  const p = withDefaults(name, DEFAULTS, params);
  checkNumber(name, 'learning_rate', p.learning_rate, { kind: 'float', gt: 0 });
  checkNumber(name, 'n_estimators', p.n_estimators, { kind: 'int', min: 1 });
  checkNumber(name, 'max_depth', p.max_depth, { kind: 'int', min: 1 });
  checkNumber(name, 'min_child_weight', p.min_child_weight, { kind: 'float', min: 0 });
  checkNumber(name, 'reg_lambda', p.reg_lambda, { kind: 'float', min: 0 });
  checkNumber(name, 'reg_alpha', p.reg_alpha, { kind: 'float', min: 0 });
  checkNumber(name, 'gamma', p.gamma, { kind: 'float', min: 0 });
  checkNumber(name, 'subsample', p.subsample, { kind: 'float', gt: 0, max: 1 });
  checkNumber(name, 'colsample_bytree', p.colsample_bytree, { kind: 'float', gt: 0, max: 1 });
  checkNumber(name, 'max_bin', p.max_bin, { kind: 'int', min: 2, max: 255 });
  checkNumber(name, 'seed', p.seed, { kind: 'int', min: 0 });
  checkJobs(name, p.n_jobs);
  return p;
}

function checkMatrix(name: string, X: Matrix): void {
  if (!X || !(X.data instanceof Float64Array) || X.data.length !== X.rows * X.cols) {
    throw new DataError(`${name}: X must be a Matrix whose data holds rows x cols values`);
  }
  if (X.cols === 0) throw new DataError(`${name}: X has 0 features; at least 1 is required`);
}

/** What a fit in pieces carries from one piece to the next (FitOptions.rounds). */
interface BoostingCheckpointState {
  outputs: number;
  trees: TreeArrays;
  /** the training rows binned, so the next piece need not bin them again */
  bins: BinnedMatrix;
  /** the training rows' raw scores so far, rows x outputs */
  margins: Float64Array;
  /** per-feature gain summed over the rounds so far, not yet normalised */
  gain: Float64Array;
  rng: number;
}

function checkpointState(name: string, from: Checkpoint, X: Matrix, K: number, until: number): BoostingCheckpointState {
  const st = from.state as Partial<BoostingCheckpointState> | null;
  if (!Number.isInteger(from.rounds) || from.rounds < 1 || from.rounds >= until) {
    throw new ParameterError(`${name}: options.rounds.from has ${from.rounds} rounds; a continuation needs 1 to ${until - 1}`, 'rounds');
  }
  if (
    !st ||
    st.outputs !== K ||
    !(st.gain instanceof Float64Array) ||
    typeof st.rng !== 'number' ||
    st.trees?.roots.length !== from.rounds * K ||
    st.bins?.rows !== X.rows ||
    st.bins.cols !== X.cols ||
    st.margins?.length !== X.rows * K
  ) {
    throw new ParameterError(`${name}: options.rounds.from is not a checkpoint of this model on this data`, 'rounds');
  }
  return st as BoostingCheckpointState;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Histogram gradient boosting (xgboost `tree_method=hist`, depth-wise
 * growth): squared error for regression, log loss for two classes, softmax
 * with one tree per class and round for more. Missing values are allowed
 * and learn a default direction per split.
 */
abstract class GradientBoostingBase implements HasFeatureImportances, Resumable {
  readonly type = TYPE;
  abstract readonly task: Task;
  protected abstract readonly name: string;
  protected readonly params: GradientBoostingParams;
  protected trees: TreeArrays | null = null;
  protected baseScore: Float64Array = new Float64Array(0);
  protected nFeatures = 0;
  protected importances: Float64Array = new Float64Array(0);
  /** round (0-based) with the best validation loss when early stopping ran, else null */
  bestIteration: number | null = null;
  /** set by a fit with options.rounds */
  private piece: BoostingCheckpointState | null = null;

  constructor(name: string, params: Params) {
    this.params = validateParams(name, params);
  }

  getParams(): GradientBoostingParams {
    return { ...this.params };
  }

  /** Number of boosting rounds kept. */
  get rounds(): number {
    return this.trees ? this.trees.roots.length / this.baseScore.length : 0;
  }

  /** Where a fit with `options.rounds` stopped, for the next piece. */
  checkpoint(): Checkpoint {
    if (!this.piece) throw new NotFittedError(`${this.name} (a checkpoint needs a fit with options.rounds)`);
    return { rounds: this.rounds, state: this.piece };
  }

  featureImportances(): Float64Array {
    this.checkFitted();
    return this.importances.slice();
  }

  protected checkFitted(): TreeArrays {
    if (!this.trees) throw new NotFittedError(this.name);
    return this.trees;
  }

  /** Raw scores before the link function: rows x outputs. */
  protected margins(X: Matrix): Float64Array {
    const trees = this.checkFitted();
    checkMatrix(this.name, X);
    checkFeatureCount(this.name, X, this.nFeatures);
    const K = this.baseScore.length;
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) out[i * K + k] = this.baseScore[k];
    addLeafSums(trees, X.data, X.rows, X.cols, out, K);
    return out;
  }

  /**
   * Boosts on X against `target` (values, or class codes 0..K-1).
   * `validTarget` is in the same coding.
   */
  protected boost(X: Matrix, target: Float64Array, objective: Objective, nClasses: number, options: FitOptions, validTarget: Float64Array | null): void {
    const p = this.params;
    const { rows: n, cols } = X;
    const K = objective === 'softmax' ? nClasses : 1;
    const esRounds = options.earlyStoppingRounds;
    if (esRounds !== undefined) {
      checkNumber(this.name, 'earlyStoppingRounds', esRounds, { kind: 'int', min: 1 });
      if (!options.validation) throw new ParameterError(`${this.name}: earlyStoppingRounds needs a validation set (options.validation)`, 'earlyStoppingRounds');
    }
    const valid = options.validation;
    if (valid) {
      checkMatrix(this.name, valid.X);
      checkFeatureCount(this.name, valid.X, cols);
    }
    let from: BoostingCheckpointState | null = null;
    if (options.rounds) {
      const { until } = options.rounds;
      checkNumber(this.name, 'rounds.until', until, { kind: 'int', min: 1, max: p.n_estimators });
      if (esRounds !== undefined) throw new ParameterError(`${this.name}: a fit in pieces (options.rounds) cannot stop early`, 'rounds');
      if (options.rounds.from) from = checkpointState(this.name, options.rounds.from, X, K, until);
    }

    const base = new Float64Array(K);
    if (objective === 'squared_error') {
      let s = 0;
      for (let i = 0; i < n; i++) s += target[i];
      base[0] = s / n;
    } else if (objective === 'logistic') {
      let s = 0;
      for (let i = 0; i < n; i++) s += target[i];
      const m = Math.min(1 - 1e-6, Math.max(1e-6, s / n));
      base[0] = Math.log(m / (1 - m));
    } else {
      const counts = new Float64Array(K);
      for (let i = 0; i < n; i++) counts[target[i]]++;
      for (let k = 0; k < K; k++) base[k] = Math.log(Math.max(counts[k], 1e-6) / n);
    }

    const threads = resolveJobs(p.n_jobs);
    const bm = from?.bins ?? binMatrixOnThreads(X, p.max_bin, p.seed, threads);
    const grower = new BoostingTreeGrower(
      bm,
      {
        maxDepth: p.max_depth,
        minChildWeight: p.min_child_weight,
        lambda: p.reg_lambda,
        alpha: p.reg_alpha,
        gamma: p.gamma,
        learningRate: p.learning_rate,
      },
      threads,
    );
    try {
      this.boostRounds(X, target, objective, K, options, validTarget, base, bm, grower, from);
    } finally {
      grower.close();
    }
  }

  private boostRounds(
    X: Matrix,
    target: Float64Array,
    objective: Objective,
    K: number,
    options: FitOptions,
    validTarget: Float64Array | null,
    base: Float64Array,
    bm: BinnedMatrix,
    grower: BoostingTreeGrower,
    from: BoostingCheckpointState | null,
  ): void {
    const p = this.params;
    const { rows: n, cols } = X;
    const esRounds = options.earlyStoppingRounds;
    const valid = options.validation;
    const firstRound = from ? from.trees.roots.length / K : 0;
    const endRound = options.rounds?.until ?? p.n_estimators;
    const rng = from ? Rng.resume(from.rng) : new Rng(p.seed);
    const F = from ? from.margins.slice() : new Float64Array(n * K);
    if (!from) for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) F[i * K + k] = base[k];
    // (g, h) pairs side by side: one cache line per row when a node gathers them
    const gh: Float64Array[] = [];
    for (let k = 0; k < K; k++) gh.push(new Float64Array(2 * n));
    const probs = new Float64Array(K);
    const sampleRows = p.subsample < 1 ? new Int32Array(n) : null;
    const inSample = p.subsample < 1 ? new Uint8Array(n) : null;
    const nColSample = Math.max(1, Math.floor(p.colsample_bytree * cols));
    const allFeatures = new Int32Array(cols);
    for (let j = 0; j < cols; j++) allFeatures[j] = j;
    const shuffled = new Int32Array(cols);

    const Fv = valid ? new Float64Array(valid.X.rows * K) : null;
    if (Fv) for (let i = 0; i < valid!.X.rows; i++) for (let k = 0; k < K; k++) Fv[i * K + k] = base[k];
    if (Fv && from) addLeafSums(from.trees, valid!.X.data, valid!.X.rows, cols, Fv, K);

    const built: TreeBuilder[] = [];
    const roundImportance: Float64Array[] = [];
    let bestLoss = Infinity;
    let bestRound = -1;

    for (let round = firstRound; round < endRound; round++) {
      if (options.signal?.aborted) throw new AbortError(`${this.name}: fit aborted after ${round} rounds`);
      this.gradients(objective, target, F, gh, probs, n, K);
      let count = n;
      if (sampleRows && inSample) {
        count = 0;
        for (let i = 0; i < n; i++) {
          const take = rng.next() < p.subsample;
          inSample[i] = take ? 1 : 0;
          if (take) sampleRows[count++] = i;
        }
        if (count === 0) {
          sampleRows[0] = rng.int(n);
          inSample[sampleRows[0]] = 1;
          count = 1;
        }
      }
      const imp = new Float64Array(cols);
      for (let k = 0; k < K; k++) {
        let features = allFeatures;
        if (nColSample < cols) {
          shuffled.set(allFeatures);
          for (let j = 0; j < nColSample; j++) {
            const r = j + rng.int(cols - j);
            const t = shuffled[j];
            shuffled[j] = shuffled[r];
            shuffled[r] = t;
          }
          features = shuffled.slice(0, nColSample).sort();
        }
        const tree = grower.grow(gh[k], sampleRows, count, features, imp);
        grower.addToMargins(tree, F, K, k);
        if (inSample) {
          for (let i = 0; i < n; i++) if (inSample[i] === 0) F[i * K + k] += tree.value[leafOfBinnedRow(tree, bm, i)];
        }
        built.push(tree);
      }
      roundImportance.push(imp);

      let values: Record<string, number> | undefined;
      if (valid && Fv && validTarget) {
        const newTrees = flattenTrees(built.slice(built.length - K), 1);
        addLeafSums(newTrees, valid.X.data, valid.X.rows, valid.X.cols, Fv, K, 0, K);
        const loss = this.loss(objective, validTarget, Fv, K, probs);
        values = { valid_loss: loss };
        if (loss < bestLoss) {
          bestLoss = loss;
          bestRound = round;
        }
      }
      options.onProgress?.({ step: round + 1, total: p.n_estimators, values });
      if (esRounds !== undefined && round - bestRound >= esRounds) break;
    }

    let trees = flattenTrees(built, 1);
    if (from) trees = concatTrees(from.trees, trees);
    let keptRounds = trees.roots.length / K;
    this.bestIteration = null;
    if (esRounds !== undefined && bestRound >= 0) {
      this.bestIteration = bestRound;
      keptRounds = bestRound + 1;
      trees = truncateTrees(trees, keptRounds * K);
    }
    const gain = from ? from.gain.slice() : new Float64Array(cols);
    for (let r = firstRound; r < keptRounds; r++) for (let j = 0; j < cols; j++) gain[j] += roundImportance[r - firstRound][j];
    this.piece = options.rounds ? { outputs: K, trees, bins: bm, margins: F, gain: gain.slice(), rng: rng.position } : null;
    const importance = gain;
    let total = 0;
    for (let j = 0; j < cols; j++) total += importance[j];
    if (total > 0) for (let j = 0; j < cols; j++) importance[j] /= total;

    this.trees = trees;
    this.baseScore = base;
    this.nFeatures = cols;
    this.importances = importance;
  }

  private gradients(objective: Objective, y: Float64Array, F: Float64Array, gh: Float64Array[], probs: Float64Array, n: number, K: number): void {
    if (objective === 'squared_error') {
      const gh0 = gh[0];
      for (let i = 0; i < n; i++) {
        gh0[2 * i] = F[i] - y[i];
        gh0[2 * i + 1] = 1;
      }
    } else if (objective === 'logistic') {
      const gh0 = gh[0];
      for (let i = 0; i < n; i++) {
        const pr = sigmoid(F[i]);
        gh0[2 * i] = pr - y[i];
        gh0[2 * i + 1] = Math.max(pr * (1 - pr), 1e-16);
      }
    } else {
      for (let i = 0; i < n; i++) {
        softmaxRow(F, i * K, K, probs);
        const yi = y[i];
        for (let k = 0; k < K; k++) {
          const pr = probs[k];
          gh[k][2 * i] = k === yi ? pr - 1 : pr;
          gh[k][2 * i + 1] = Math.max(2 * pr * (1 - pr), 1e-16);
        }
      }
    }
  }

  /** Validation loss: RMSE, log loss or multiclass log loss (xgboost's default metrics). */
  private loss(objective: Objective, y: Float64Array, F: Float64Array, K: number, probs: Float64Array): number {
    const n = y.length;
    let s = 0;
    if (objective === 'squared_error') {
      for (let i = 0; i < n; i++) s += (F[i] - y[i]) ** 2;
      return Math.sqrt(s / n);
    }
    const eps = 1e-15;
    if (objective === 'logistic') {
      for (let i = 0; i < n; i++) {
        const pr = Math.min(1 - eps, Math.max(eps, sigmoid(F[i])));
        s -= y[i] === 1 ? Math.log(pr) : Math.log(1 - pr);
      }
      return s / n;
    }
    for (let i = 0; i < n; i++) {
      softmaxRow(F, i * K, K, probs);
      s -= Math.log(Math.max(eps, probs[y[i]]));
    }
    return s / n;
  }

  protected stateJSON(extra: Record<string, unknown>): EstimatorJSON {
    const trees = this.checkFitted();
    return estimatorJSON(TYPE, this.getParams(), {
      task: this.task,
      ...extra,
      nFeatures: this.nFeatures,
      baseScore: Array.from(this.baseScore),
      importances: Array.from(this.importances),
      bestIteration: this.bestIteration,
      trees: treesToJSON(trees),
    });
  }

  protected loadState(state: Record<string, unknown>, outputs: number): void {
    this.nFeatures = readInt(state, 'nFeatures', 1);
    this.baseScore = readFloats(state, 'baseScore', outputs);
    this.importances = readFloats(state, 'importances', this.nFeatures);
    const best = state.bestIteration;
    if (best !== null && (typeof best !== 'number' || !Number.isInteger(best) || best < 0)) {
      throw new DataError(`invalid tree model: 'bestIteration' must be null or an int >= 0`);
    }
    this.bestIteration = best as number | null;
    const trees = treesFromJSON(state.trees, this.nFeatures, 1);
    if (trees.roots.length === 0 || trees.roots.length % outputs !== 0) {
      throw new DataError(`invalid tree model: ${trees.roots.length} trees for ${outputs} outputs per round`);
    }
    this.trees = trees;
  }
}

function softmaxRow(F: Float64Array, off: number, K: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (F[off + k] > max) max = F[off + k];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(F[off + k] - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) out[k] /= sum;
}

/** Codes validation labels with the training classes; a label never seen in training is an error. */
function encodeWith(name: string, classes: Float64Array, y: Float64Array): Float64Array {
  const index = new Map<number, number>();
  classes.forEach((c, i) => index.set(c, i));
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const code = index.get(y[i]);
    if (code === undefined) throw new DataError(`${name}: the validation target has label ${y[i]} at row ${i}, which is not among the training classes`);
    out[i] = code;
  }
  return out;
}

/** Gradient boosting for classification: log loss (two classes) or softmax (more). */
export class GradientBoostingClassifier extends GradientBoostingBase implements Classifier {
  readonly task = 'classification' as const;
  protected readonly name = 'GradientBoostingClassifier';
  private classes_: Float64Array | null = null;

  constructor(params: Params = {}) {
    super('GradientBoostingClassifier', params);
  }

  get classes(): Float64Array {
    if (!this.classes_) throw new NotFittedError(this.name);
    return this.classes_;
  }

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkMatrix(this.name, X);
    checkXY(this.name, X, y, true);
    const { classes, codes } = encodeLabels(y, this.name);
    const K = classes.length;
    let validTarget: Float64Array | null = null;
    if (options.validation) {
      checkMatrix(this.name, options.validation.X);
      checkXY(this.name, options.validation.X, options.validation.y, true);
      validTarget = encodeWith(this.name, classes, options.validation.y);
    }
    this.boost(X, Float64Array.from(codes), K === 2 ? 'logistic' : 'softmax', K, options, validTarget);
    this.classes_ = classes;
    return this;
  }

  predictProba(X: Matrix): Matrix {
    const classes = this.classes;
    const F = this.margins(X);
    const K = classes.length;
    const out = new Float64Array(X.rows * K);
    if (K === 2) {
      for (let i = 0; i < X.rows; i++) {
        const p = sigmoid(F[i]);
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
    } else {
      const probs = new Float64Array(K);
      for (let i = 0; i < X.rows; i++) {
        softmaxRow(F, i * K, K, probs);
        out.set(probs, i * K);
      }
    }
    return { rows: X.rows, cols: K, data: out };
  }

  predict(X: Matrix): Float64Array {
    const classes = this.classes;
    const P = this.predictProba(X);
    const K = classes.length;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (P.data[i * K + k] > P.data[i * K + best]) best = k;
      out[i] = classes[best];
    }
    return out;
  }

  clone(): GradientBoostingClassifier {
    return new GradientBoostingClassifier(this.getParams());
  }

  toJSON(): EstimatorJSON {
    return this.stateJSON({ classes: Array.from(this.classes) });
  }

  static fromJSON(json: EstimatorJSON): GradientBoostingClassifier {
    const { params, state } = readEnvelope(json, TYPE);
    if (state.task !== 'classification') throw new DataError(`invalid ${TYPE} model: task ${JSON.stringify(state.task)} is not classification`);
    const model = new GradientBoostingClassifier(params);
    const classes = readClasses(state);
    model.loadState(state, classes.length === 2 ? 1 : classes.length);
    model.classes_ = classes;
    return model;
  }
}

/** Gradient boosting for regression (squared error). */
export class GradientBoostingRegressor extends GradientBoostingBase implements Estimator {
  readonly task = 'regression' as const;
  protected readonly name = 'GradientBoostingRegressor';

  constructor(params: Params = {}) {
    super('GradientBoostingRegressor', params);
  }

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkMatrix(this.name, X);
    checkXY(this.name, X, y, true);
    let validTarget: Float64Array | null = null;
    if (options.validation) {
      checkMatrix(this.name, options.validation.X);
      checkXY(this.name, options.validation.X, options.validation.y, true);
      validTarget = options.validation.y;
    }
    this.boost(X, y, 'squared_error', 1, options, validTarget);
    return this;
  }

  predict(X: Matrix): Float64Array {
    return this.margins(X);
  }

  clone(): GradientBoostingRegressor {
    return new GradientBoostingRegressor(this.getParams());
  }

  toJSON(): EstimatorJSON {
    return this.stateJSON({});
  }

  static fromJSON(json: EstimatorJSON): GradientBoostingRegressor {
    const { params, state } = readEnvelope(json, TYPE);
    if (state.task !== 'regression') throw new DataError(`invalid ${TYPE} model: task ${JSON.stringify(state.task)} is not regression`);
    const model = new GradientBoostingRegressor(params);
    model.loadState(state, 1);
    return model;
  }
}
