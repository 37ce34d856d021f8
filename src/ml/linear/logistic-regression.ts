import { checkFeatureCount, checkFinite, checkXY } from '../base/checks.js';
import { AbortError, NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, type Classifier, type EstimatorJSON, type FitOptions } from '../base/estimator.js';
import { encodeLabels } from '../base/labels.js';
import { createMatrix, type Matrix } from '../base/matrix.js';
import { checkBoolean, checkChoice, checkNumber, withDefaults, type Params } from '../base/params.js';
import { minimizeLbfgs, type Objective } from './lbfgs.js';
import { binaryObjective, multinomialObjective, sigmoid } from './logistic-loss.js';
import {
  checkEnvelope,
  readBoolean,
  readClasses,
  readFiniteArray,
  readParams,
  readState,
  type StateObject,
} from './state-json.js';

/** Hyperparameters of {@link LogisticRegression} (scikit-learn names and defaults). */
export interface LogisticRegressionParams extends Params {
  /**
   * Inverse of the L2 penalty strength: the loss summed over rows plus ‖w‖²/(2C).
   * @defaultValue 1.0
   */
  C: number;
  /**
   * 'l2', or null / 'none' for no penalty.
   * @defaultValue 'l2'
   */
  penalty: string | null;
  /**
   * Fit an unpenalised intercept per output.
   * @defaultValue true
   */
  fit_intercept: boolean;
  /**
   * L-BFGS iteration limit (per class for 'ovr').
   * @defaultValue 100
   */
  max_iter: number;
  /**
   * Stop when the largest gradient entry of the objective is at most tol.
   * @defaultValue 1e-4
   */
  tol: number;
  /**
   * 'auto': one sigmoid for two classes, softmax for more; 'multinomial':
   * always softmax; 'ovr': one binary model per class.
   * @defaultValue 'auto'
   */
  multi_class: string;
}

const NAME = 'LogisticRegression';
const DEFAULTS: LogisticRegressionParams = {
  C: 1.0,
  penalty: 'l2',
  fit_intercept: true,
  max_iter: 100,
  tol: 1e-4,
  multi_class: 'auto',
};
const MODES = ['binary', 'multinomial', 'ovr'] as const;
type Mode = (typeof MODES)[number];

interface LogisticState {
  classes: Float64Array;
  mode: Mode;
  /** outputs × features, row-major: 1 output for two classes (for 'multinomial' the class-1 row), else one per class */
  coef: Float64Array;
  /** one per output */
  intercept: Float64Array;
  /** L-BFGS iterations per fitted output group */
  nIter: number[];
  converged: boolean;
}

/**
 * Logistic regression with an L2 penalty solved by L-BFGS, scikit-learn's
 * LogisticRegression(solver='lbfgs'): same objective, parameters and
 * output layout (`coef` has one row for two classes).
 */
export class LogisticRegression implements Classifier {
  readonly type = 'logistic_regression';
  readonly task = 'classification' as const;
  private readonly params: LogisticRegressionParams;
  private state?: LogisticState;

  constructor(params: Params = {}) {
    const p = withDefaults(NAME, DEFAULTS, params);
    checkNumber(NAME, 'C', p.C, { kind: 'float', gt: 0 });
    if (p.penalty !== null && p.penalty !== 'l2' && p.penalty !== 'none') {
      throw new ParameterError(
        `The 'penalty' parameter of ${NAME} must be a str among {'l2', 'none'} or None. Got ${JSON.stringify(p.penalty)} instead.`,
        'penalty',
      );
    }
    checkBoolean(NAME, 'fit_intercept', p.fit_intercept);
    checkNumber(NAME, 'max_iter', p.max_iter, { kind: 'int', min: 0 });
    checkNumber(NAME, 'tol', p.tol, { kind: 'float', min: 0 });
    checkChoice(NAME, 'multi_class', p.multi_class, ['auto', 'multinomial', 'ovr']);
    this.params = p;
  }

  getParams(): LogisticRegressionParams {
    return { ...this.params };
  }

  clone(): LogisticRegression {
    return new LogisticRegression(this.getParams());
  }

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkXY(NAME, X, y);
    const { classes, codes } = encodeLabels(y, NAME);
    const k = classes.length;
    const p = X.cols;
    const { C, penalty, fit_intercept: fitIntercept, max_iter: maxIter, tol, multi_class: multiClass } = this.params;
    const l2 = penalty === 'l2' ? 1 / C : 0;
    const mode: Mode = multiClass === 'multinomial' || (multiClass === 'auto' && k > 2) ? 'multinomial' : k === 2 ? 'binary' : 'ovr';
    const outputs = mode === 'binary' ? 1 : k;
    const stride = p + (fitIntercept ? 1 : 0);
    const coef = new Float64Array(outputs * p);
    const intercept = new Float64Array(outputs);
    const nIter: number[] = [];
    let converged = true;
    const groups = mode === 'ovr' ? k : 1;
    const total = maxIter * groups;

    for (let group = 0; group < groups; group++) {
      let objective: Objective;
      if (mode === 'multinomial') {
        objective = multinomialObjective(X, codes, k, l2, fitIntercept);
      } else {
        const positive = mode === 'binary' ? 1 : group;
        const t = new Uint8Array(codes.length);
        for (let i = 0; i < codes.length; i++) t[i] = codes[i] === positive ? 1 : 0;
        objective = binaryObjective(X, t, l2, fitIntercept);
      }
      const width = mode === 'multinomial' ? k * stride : stride;
      const result = minimizeLbfgs(objective, new Float64Array(width), {
        maxIter,
        gtol: tol,
        onIteration: (iteration, f) => {
          if (options.signal?.aborted) throw new AbortError();
          options.onProgress?.({ step: group * maxIter + iteration, total, values: { loss: f } });
        },
      });
      nIter.push(result.nIter);
      converged &&= result.converged;
      const w = result.x;
      const rowsHere = mode === 'multinomial' ? k : 1;
      for (let r = 0; r < rowsHere; r++) {
        const out = mode === 'multinomial' ? r : group;
        coef.set(w.subarray(r * stride, r * stride + p), out * p);
        if (fitIntercept) intercept[out] = w[r * stride + p];
      }
    }
    if (mode === 'multinomial') {
      // Softmax is blind to a shift shared by all classes, and the intercepts
      // (or, without a penalty, everything) are free along it; pin the class
      // mean to zero, the point scikit-learn's zero start also stays on.
      centreOverClasses(intercept, k, 1);
      centreOverClasses(coef, k, p);
    }
    if (mode === 'multinomial' && k === 2) {
      // scikit-learn keeps only the class-1 row of a two-class softmax (row 0 is its negation).
      this.state = { classes, mode, coef: coef.slice(p), intercept: intercept.slice(1), nIter, converged };
      return this;
    }
    this.state = { classes, mode, coef, intercept, nIter, converged };
    return this;
  }

  /** Class labels seen in fit, ascending (scikit-learn `classes_`). */
  get classes(): Float64Array {
    return this.fitted().classes;
  }

  /** Coefficients, outputs × features row-major: 1 row for two classes (as scikit-learn), else one per class. */
  get coef(): Float64Array {
    return this.fitted().coef;
  }

  /** Intercept per output (scikit-learn `intercept_`). */
  get intercept(): Float64Array {
    return this.fitted().intercept;
  }

  /** L-BFGS iterations used (one entry per binary model for 'ovr'; scikit-learn `n_iter_`). */
  get nIter(): number[] {
    return [...this.fitted().nIter];
  }

  /** false when the iteration limit stopped a fit before `tol` was met (scikit-learn warns). */
  get converged(): boolean {
    return this.fitted().converged;
  }

  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** Linear scores X·Wᵀ + b, rows × outputs. */
  decisionFunction(X: Matrix): Matrix {
    const state = this.fitted();
    const p = state.coef.length / state.intercept.length;
    checkFeatureCount(NAME, X, p);
    checkFinite(NAME, X);
    const outputs = state.intercept.length;
    const out = createMatrix(X.rows, outputs);
    const { data } = X;
    for (let i = 0; i < X.rows; i++) {
      const row = i * p;
      for (let o = 0; o < outputs; o++) {
        let s = state.intercept[o];
        const wo = o * p;
        for (let j = 0; j < p; j++) s += data[row + j] * state.coef[wo + j];
        out.data[i * outputs + o] = s;
      }
    }
    return out;
  }

  predictProba(X: Matrix): Matrix {
    const state = this.fitted();
    const scores = this.decisionFunction(X);
    const k = state.classes.length;
    const n = X.rows;
    const out = createMatrix(n, k);
    const z = scores.data;
    const pr = out.data;
    for (let i = 0; i < n; i++) {
      if (scores.cols === 1) {
        // one row: a sigmoid, or a two-class softmax of (−z, z)
        const q = sigmoid(state.mode === 'binary' ? z[i] : 2 * z[i]);
        pr[i * 2] = 1 - q;
        pr[i * 2 + 1] = q;
      } else if (state.mode === 'multinomial') {
        let zMax = -Infinity;
        for (let c = 0; c < k; c++) zMax = Math.max(zMax, z[i * k + c]);
        let sum = 0;
        for (let c = 0; c < k; c++) sum += pr[i * k + c] = Math.exp(z[i * k + c] - zMax);
        for (let c = 0; c < k; c++) pr[i * k + c] /= sum;
      } else {
        let sum = 0;
        for (let c = 0; c < k; c++) sum += pr[i * k + c] = sigmoid(z[i * k + c]);
        for (let c = 0; c < k; c++) pr[i * k + c] /= sum;
      }
    }
    return out;
  }

  predict(X: Matrix): Float64Array {
    const { classes } = this.fitted();
    const scores = this.decisionFunction(X);
    const outputs = scores.cols;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      if (outputs === 1) {
        out[i] = classes[scores.data[i] > 0 ? 1 : 0];
        continue;
      }
      let best = 0;
      for (let c = 1; c < outputs; c++) if (scores.data[i * outputs + c] > scores.data[i * outputs + best]) best = c;
      out[i] = classes[best];
    }
    return out;
  }

  toJSON(): EstimatorJSON {
    const s = this.state;
    const state = s
      ? {
          fitted: true,
          classes: Array.from(s.classes),
          mode: s.mode,
          nFeatures: s.coef.length / s.intercept.length,
          coef: Array.from(s.coef),
          intercept: Array.from(s.intercept),
          nIter: [...s.nIter],
          converged: s.converged,
        }
      : { fitted: false };
    return estimatorJSON(this.type, this.getParams(), state);
  }

  static fromJSON(json: EstimatorJSON): LogisticRegression {
    checkEnvelope(NAME, json, 'logistic_regression');
    const model = new LogisticRegression(readParams(NAME, json.params));
    const state = readState(NAME, json.state);
    if (!readBoolean(NAME, state, 'fitted')) return model;
    model.state = readLogisticState(state);
    return model;
  }

  private fitted(): LogisticState {
    if (!this.state) throw new NotFittedError(NAME);
    return this.state;
  }
}

/** Subtracts, for each of the `width` columns, its mean over the k class rows. */
function centreOverClasses(values: Float64Array, k: number, width: number): void {
  for (let j = 0; j < width; j++) {
    let mean = 0;
    for (let c = 0; c < k; c++) mean += values[c * width + j];
    mean /= k;
    for (let c = 0; c < k; c++) values[c * width + j] -= mean;
  }
}

function readLogisticState(state: StateObject): LogisticState {
  const classes = readClasses(NAME, state);
  const mode = state.mode as Mode;
  if (!MODES.includes(mode)) throw new ParameterError(`${NAME}.fromJSON: state.mode must be one of ${MODES.join(', ')}`);
  if (mode === 'binary' && classes.length !== 2) throw new ParameterError(`${NAME}.fromJSON: a binary model has 2 classes`);
  const outputs = mode === 'binary' || classes.length === 2 ? 1 : classes.length;
  const p = state.nFeatures;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) throw new ParameterError(`${NAME}.fromJSON: state.nFeatures must be an int >= 0`);
  const nIter = readFiniteArray(NAME, state, 'nIter');
  if (!nIter.every((v) => Number.isInteger(v) && v >= 0)) throw new ParameterError(`${NAME}.fromJSON: state.nIter must hold ints >= 0`);
  return {
    classes,
    mode,
    coef: readFiniteArray(NAME, state, 'coef', outputs * p),
    intercept: readFiniteArray(NAME, state, 'intercept', outputs),
    nIter: Array.from(nIter),
    converged: readBoolean(NAME, state, 'converged'),
  };
}
