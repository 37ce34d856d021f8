import { checkFeatureCount, checkXY, checkFinite } from '../base/checks.js';
import { NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, type Estimator, type EstimatorJSON, type FitOptions } from '../base/estimator.js';
import type { Matrix } from '../base/matrix.js';
import type { Params } from '../base/params.js';
import { solveLeastSquares } from './least-squares.js';
import { solveNormalEquations } from './normal-equations.js';
import { checkEnvelope, readFiniteArray, readFiniteNumber, readInt, readState } from './state-json.js';

/** Fitted state shared by ordinary least squares and ridge. */
export interface LinearRegressorState {
  coef: Float64Array;
  intercept: number;
  /** numerical rank of the (centred) design */
  rank: number;
}

/**
 * Solves min ‖y − Xw − b‖² + alpha‖w‖² with the intercept b unpenalised, as
 * scikit-learn does: centre X and y, solve for w, then b = ȳ − x̄·w.
 * Well-conditioned problems take the normal equations (Cholesky plus one
 * refinement step, normal-equations.ts); the rest, collinear features or more
 * features than rows, take pivoted QR with a minimum-norm SVD fallback
 * (least-squares.ts). Ridge there is least squares on X stacked over √alpha·I.
 */
export function fitLinearLeastSquares(X: Matrix, y: Float64Array, alpha: number, fitIntercept: boolean): LinearRegressorState {
  const { rows: n, cols: p, data } = X;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let i = 0; i < n; i++) {
      const row = i * p;
      for (let j = 0; j < p; j++) xMean[j] += data[row + j];
      yMean += y[i];
    }
    for (let j = 0; j < p; j++) xMean[j] /= n;
    yMean /= n;
  }
  const fast = solveNormalEquations(X, xMean, y, yMean, alpha);
  if (fast) return { ...fast, intercept: fitIntercept ? interceptFor(xMean, yMean, fast.coef) : 0 };

  const m = alpha > 0 ? n + p : n;
  const a = new Float64Array(m * p);
  for (let i = 0; i < n; i++) {
    const row = i * p;
    for (let j = 0; j < p; j++) a[j * m + i] = data[row + j] - xMean[j];
  }
  const b = new Float64Array(m);
  for (let i = 0; i < n; i++) b[i] = y[i] - yMean;
  if (alpha > 0) {
    const root = Math.sqrt(alpha);
    for (let j = 0; j < p; j++) a[j * m + n + j] = root;
  }
  const { x: coef, rank } = solveLeastSquares(a, m, p, b);
  return { coef, intercept: fitIntercept ? interceptFor(xMean, yMean, coef) : 0, rank };
}

function interceptFor(xMean: Float64Array, yMean: number, coef: Float64Array): number {
  let intercept = yMean;
  for (let j = 0; j < coef.length; j++) intercept -= xMean[j] * coef[j];
  return intercept;
}

/** Xw + b for every row. */
export function linearPredict(X: Matrix, coef: Float64Array, intercept: number): Float64Array {
  const { rows: n, cols: p, data } = X;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * p;
    let s = intercept;
    for (let j = 0; j < p; j++) s += data[row + j] * coef[j];
    out[i] = s;
  }
  return out;
}

/** Common body of LinearRegression and Ridge: fit, predict and (de)serialisation of coef/intercept. */
export abstract class LinearRegressor implements Estimator {
  abstract readonly type: string;
  readonly task = 'regression' as const;
  protected state?: LinearRegressorState;

  /** scikit-learn class name, used in messages */
  protected abstract readonly name: string;
  protected abstract readonly alpha: number;
  protected abstract readonly fitIntercept: boolean;

  abstract getParams(): Params;
  abstract clone(): LinearRegressor;

  fit(X: Matrix, y: Float64Array, _options?: FitOptions): this {
    checkXY(this.name, X, y);
    this.state = fitLinearLeastSquares(X, y, this.alpha, this.fitIntercept);
    return this;
  }

  predict(X: Matrix): Float64Array {
    const state = this.fitted();
    checkFeatureCount(this.name, X, state.coef.length);
    checkFinite(this.name, X);
    return linearPredict(X, state.coef, state.intercept);
  }

  /** Fitted coefficients, one per feature (scikit-learn `coef_`). */
  get coef(): Float64Array {
    return this.fitted().coef;
  }

  /** Fitted intercept (scikit-learn `intercept_`); 0 when fit_intercept is false. */
  get intercept(): number {
    return this.fitted().intercept;
  }

  /** Numerical rank of the centred design (scikit-learn `rank_` for LinearRegression). */
  get rank(): number {
    return this.fitted().rank;
  }

  get isFitted(): boolean {
    return this.state !== undefined;
  }

  toJSON(): EstimatorJSON {
    const state = this.state
      ? { fitted: true, coef: Array.from(this.state.coef), intercept: this.state.intercept, rank: this.state.rank }
      : { fitted: false };
    return estimatorJSON(this.type, this.getParams(), state);
  }

  /** Restores the fitted state written by toJSON (validated). */
  protected loadState(json: EstimatorJSON): this {
    checkEnvelope(this.name, json, this.type);
    const state = readState(this.name, json.state);
    if (state.fitted === false) return this;
    if (state.fitted !== true) throw new ParameterError(`${this.name}.fromJSON: state.fitted must be a boolean`);
    const coef = readFiniteArray(this.name, state, 'coef');
    this.state = {
      coef,
      intercept: readFiniteNumber(this.name, state, 'intercept'),
      rank: readInt(this.name, state, 'rank', 0, coef.length),
    };
    return this;
  }

  private fitted(): LinearRegressorState {
    if (!this.state) throw new NotFittedError(this.name);
    return this.state;
  }
}
