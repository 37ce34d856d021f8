import { AbortError, DataError, NotFittedError } from '../base/errors.js';
import { estimatorJSON, type EstimatorJSON, type FitOptions, type Forecaster } from '../base/estimator.js';
import { checkChoice, checkNumber, withDefaults, type Params } from '../base/params.js';
import { leastSquares } from './least-squares.js';
import { checkHorizon, checkSeries, readNumbers } from './series-checks.js';

/** Deterministic terms: none, constant, linear time trend, or both (statsmodels AutoReg). */
export type ArTrend = 'n' | 'c' | 't' | 'ct';

/** Hyperparameters of `autoregressive` (statsmodels AutoReg names). */
export interface AutoregressiveParams extends Params {
  /** p: how many past values predict the next @defaultValue 1 */
  lags: number;
  /** 'c' constant, 't' time trend, 'ct' both, 'n' neither @defaultValue 'c' */
  trend: ArTrend;
}

const DEFAULTS: AutoregressiveParams = { lags: 1, trend: 'c' };
const NAME = 'AutoReg';

interface Fitted {
  /** statsmodels order: const, trend, then lag 1..p */
  coef: Float64Array;
  /** the last p values of the series, oldest first */
  tail: Float64Array;
  nobs: number;
}

/**
 * AR(p) fitted by ordinary least squares on the lag matrix, conditional on
 * the first p values (statsmodels AutoReg):
 *   y_t = c + d (t + 1) + phi_1 y_{t-1} + ... + phi_p y_{t-p} + e_t
 * with t counted from 0 at the first value. Multi-step forecasts feed each
 * forecast back in as the next lag.
 */
export class Autoregressive implements Forecaster {
  readonly type = 'autoregressive';
  readonly task = 'timeseries';
  private readonly params: AutoregressiveParams;
  private fitted?: Fitted;

  constructor(params: Params = {}) {
    const p = withDefaults(NAME, DEFAULTS, params);
    checkNumber(NAME, 'lags', p.lags, { kind: 'int', min: 1 });
    checkChoice(NAME, 'trend', p.trend, ['n', 'c', 't', 'ct'] as const);
    this.params = p;
  }

  private get deterministic(): number {
    return this.params.trend === 'ct' ? 2 : this.params.trend === 'n' ? 0 : 1;
  }

  /** Enough values for as many equations as coefficients: 2p + (number of trend terms). */
  get minLength(): number {
    return 2 * this.params.lags + this.deterministic;
  }

  fit(y: Float64Array, options?: FitOptions): this {
    const { lags: p, trend } = this.params;
    checkSeries(NAME, y, this.minLength, `lags=${p} with trend='${trend}' needs at least ${this.minLength}`);
    if (options?.signal?.aborted) throw new AbortError();
    const k = this.deterministic;
    const cols = k + p;
    const rows = y.length - p;
    const A = new Float64Array(rows * cols);
    const b = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const t = r + p;
      this.regressors(A.subarray(r * cols, (r + 1) * cols), t, (lag) => y[t - lag]);
      b[r] = y[t];
    }
    const { coef } = leastSquares(A, rows, cols, b);
    if (!coef.every(Number.isFinite)) throw new DataError(`${NAME}: least squares failed on this series (non-finite coefficients)`);
    this.fitted = { coef, tail: y.slice(y.length - p), nobs: y.length };
    options?.onProgress?.({ step: 1, total: 1 });
    return this;
  }

  forecast(horizon: number): Float64Array {
    const f = this.requireFitted();
    checkHorizon(NAME, horizon);
    const p = this.params.lags;
    const history = new Float64Array(p + horizon);
    history.set(f.tail);
    const x = new Float64Array(f.coef.length);
    for (let h = 0; h < horizon; h++) {
      const pos = p + h;
      this.regressors(x, f.nobs + h, (lag) => history[pos - lag]);
      let v = 0;
      for (let j = 0; j < x.length; j++) v += f.coef[j] * x[j];
      history[pos] = v;
    }
    return history.slice(p);
  }

  /** The coefficients in statsmodels order: const, trend, lag 1..p (only those present). */
  coefficients(): Float64Array {
    return this.requireFitted().coef.slice();
  }

  getParams(): Params {
    return { ...this.params };
  }

  clone(): Autoregressive {
    return new Autoregressive(this.getParams());
  }

  toJSON(): EstimatorJSON {
    const f = this.requireFitted();
    return estimatorJSON(this.type, this.getParams(), { coef: Array.from(f.coef), tail: Array.from(f.tail), nobs: f.nobs });
  }

  static fromJSON(json: EstimatorJSON): Autoregressive {
    if (json.type !== 'autoregressive') throw new DataError(`${NAME}: not a saved autoregressive model (type ${String(json.type)})`);
    const model = new Autoregressive(json.params);
    const s = (json.state ?? {}) as Record<string, unknown>;
    if (!Number.isInteger(s.nobs) || (s.nobs as number) < model.minLength) throw new DataError(`${NAME}: the saved 'nobs' is not a valid series length`);
    model.fitted = {
      coef: readNumbers(NAME, 'coef', s.coef, model.deterministic + model.params.lags),
      tail: readNumbers(NAME, 'tail', s.tail, model.params.lags),
      nobs: s.nobs as number,
    };
    return model;
  }

  private requireFitted(): Fitted {
    if (!this.fitted) throw new NotFittedError(NAME);
    return this.fitted;
  }

  /** Fills one row of regressors for time t: deterministic terms, then lags 1..p. */
  private regressors(row: Float64Array, t: number, lagValue: (lag: number) => number): void {
    const { trend, lags } = this.params;
    let j = 0;
    if (trend === 'c' || trend === 'ct') row[j++] = 1;
    if (trend === 't' || trend === 'ct') row[j++] = t + 1;
    for (let lag = 1; lag <= lags; lag++) row[j++] = lagValue(lag);
  }
}
