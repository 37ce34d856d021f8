import { DataError, NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, type Estimator, type EstimatorJSON, type FitOptions, type Forecaster } from '../base/estimator.js';
import { checkBoolean, checkNumber, type Params } from '../base/params.js';
import { createEstimator, estimatorFromJSON } from '../model-types.js';
import { lagFeatureCount, lagHistory, lagMatrix, writeLagFeatures, type LagFeatureSpec } from './lag-features.js';
import { checkHorizon, checkSeries, readNumbers } from './series-checks.js';

/**
 * Hyperparameters of `lag_gradient_boosting`: these, plus any hyperparameter
 * of the regressor (`n_estimators`, `max_depth`, ...), passed through to it.
 */
export interface LagGradientBoostingParams {
  /** past values used as features @defaultValue 7 */
  lags: number;
  /** rolling-window sizes for mean and standard deviation features @defaultValue [3, 7] */
  windows: number[];
  /** add the time index as a feature @defaultValue false */
  time_index: boolean;
  /** the model.type of the regressor @defaultValue 'gradient_boosting' */
  regressor: string;
}

const OWN_DEFAULTS: LagGradientBoostingParams = { lags: 7, windows: [3, 7], time_index: false, regressor: 'gradient_boosting' };
const NAME = 'LagGradientBoosting';

interface Fitted {
  model: Estimator;
  /** the last lagHistory values of the series */
  tail: Float64Array;
  nobs: number;
}

/**
 * Forecasting as regression: each value is predicted from its `lags` last
 * values and rolling statistics over `windows` (optionally the time index) by
 * a regressor, gradient boosting by default. Multi-step forecasts are
 * recursive: each forecast becomes history for the next.
 */
export class LagGradientBoosting implements Forecaster {
  readonly type = 'lag_gradient_boosting';
  readonly task = 'timeseries';
  private readonly own: LagGradientBoostingParams;
  private readonly passthrough: Params;
  private readonly spec: LagFeatureSpec;
  private readonly template: Estimator;
  private fitted?: Fitted;

  constructor(params: Params = {}) {
    const own = { ...OWN_DEFAULTS };
    const passthrough: Params = {};
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      if (Object.hasOwn(OWN_DEFAULTS, key)) (own as unknown as Params)[key] = value;
      else passthrough[key] = value;
    }
    checkNumber(NAME, 'lags', own.lags, { kind: 'int', min: 1 });
    if (!Array.isArray(own.windows) || own.windows.some((w) => !Number.isInteger(w) || w < 2)) {
      throw new ParameterError(`The 'windows' parameter of ${NAME} must be an array of ints >= 2. Got ${JSON.stringify(own.windows)} instead.`, 'windows');
    }
    checkBoolean(NAME, 'time_index', own.time_index);
    if (typeof own.regressor !== 'string') {
      throw new ParameterError(`The 'regressor' parameter of ${NAME} must be a model type name. Got ${JSON.stringify(own.regressor)} instead.`, 'regressor');
    }
    this.own = { ...own, windows: [...own.windows] };
    this.passthrough = passthrough;
    this.spec = { lags: own.lags, windows: this.own.windows, timeIndex: own.time_index };
    // built now so unknown or bad regressor hyperparameters fail at construction
    this.template = createEstimator(own.regressor, passthrough, 'regression') as Estimator;
  }

  /** One value per lag plus two rows of training data beyond the longest history. */
  get minLength(): number {
    return lagHistory(this.spec) + 2;
  }

  fit(y: Float64Array, options?: FitOptions): this {
    const history = lagHistory(this.spec);
    checkSeries(NAME, y, this.minLength, `lags=${this.spec.lags} and windows up to ${history} need at least ${this.minLength}`);
    const { X, target } = lagMatrix(this.spec, y);
    const fitOptions: FitOptions = { ...(options?.signal ? { signal: options.signal } : {}), ...(options?.onProgress ? { onProgress: options.onProgress } : {}) };
    const model = this.template.clone().fit(X, target, fitOptions);
    this.fitted = { model, tail: y.slice(y.length - history), nobs: y.length };
    return this;
  }

  forecast(horizon: number): Float64Array {
    const f = this.requireFitted();
    checkHorizon(NAME, horizon);
    const history = f.tail.length;
    const values = new Float64Array(history + horizon);
    values.set(f.tail);
    const row = new Float64Array(lagFeatureCount(this.spec));
    const X = { rows: 1, cols: row.length, data: row };
    for (let h = 0; h < horizon; h++) {
      writeLagFeatures(this.spec, values, history + h, f.nobs + h, row);
      values[history + h] = f.model.predict(X)[0];
    }
    return values.slice(history);
  }

  /** The fitted regressor (for feature importances, inspection). */
  regressor(): Estimator {
    return this.requireFitted().model;
  }

  getParams(): Params {
    return { ...this.own, windows: [...this.own.windows], ...this.passthrough };
  }

  clone(): LagGradientBoosting {
    return new LagGradientBoosting(this.getParams());
  }

  toJSON(): EstimatorJSON {
    const f = this.requireFitted();
    return estimatorJSON(this.type, this.getParams(), { tail: Array.from(f.tail), nobs: f.nobs, regressor: f.model.toJSON() });
  }

  static fromJSON(json: EstimatorJSON): LagGradientBoosting {
    if (json.type !== 'lag_gradient_boosting') throw new DataError(`${NAME}: not a saved lag_gradient_boosting model (type ${String(json.type)})`);
    const model = new LagGradientBoosting(json.params);
    const s = (json.state ?? {}) as Record<string, unknown>;
    const history = lagHistory(model.spec);
    if (!Number.isInteger(s.nobs) || (s.nobs as number) < model.minLength) throw new DataError(`${NAME}: the saved 'nobs' is not a valid series length`);
    const regressor = estimatorFromJSON(s.regressor as EstimatorJSON);
    if (regressor.task !== 'regression') throw new DataError(`${NAME}: the saved regressor is not a regression model`);
    model.fitted = { model: regressor, tail: readNumbers(NAME, 'tail', s.tail, history), nobs: s.nobs as number };
    return model;
  }

  private requireFitted(): Fitted {
    if (!this.fitted) throw new NotFittedError(NAME);
    return this.fitted;
  }
}
