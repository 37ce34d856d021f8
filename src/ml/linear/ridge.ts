import type { EstimatorJSON } from '../base/estimator.js';
import { checkBoolean, checkNumber, withDefaults, type Params } from '../base/params.js';
import { LinearRegressor } from './linear-regressor.js';
import { readParams } from './state-json.js';

/** Hyperparameters of {@link Ridge} (scikit-learn names). */
export interface RidgeParams extends Params {
  /**
   * L2 penalty strength on the coefficients (never on the intercept).
   * @defaultValue 1.0
   */
  alpha: number;
  /**
   * Fit an unpenalised intercept.
   * @defaultValue true
   */
  fit_intercept: boolean;
}

const DEFAULTS: RidgeParams = { alpha: 1.0, fit_intercept: true };

/**
 * Ridge regression, scikit-learn's Ridge: min ‖y − Xw − b‖² + alpha‖w‖².
 * alpha = 0 is ordinary least squares (minimum-norm on collinear data).
 */
export class Ridge extends LinearRegressor {
  readonly type = 'ridge';
  protected readonly name = 'Ridge';
  protected readonly alpha: number;
  protected readonly fitIntercept: boolean;
  private readonly params: RidgeParams;

  constructor(params: Params = {}) {
    super();
    const p = withDefaults(this.name, DEFAULTS, params);
    checkNumber(this.name, 'alpha', p.alpha, { kind: 'float', min: 0 });
    checkBoolean(this.name, 'fit_intercept', p.fit_intercept);
    this.params = p;
    this.alpha = p.alpha;
    this.fitIntercept = p.fit_intercept;
  }

  getParams(): RidgeParams {
    return { ...this.params };
  }

  clone(): Ridge {
    return new Ridge(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): Ridge {
    return new Ridge(readParams('Ridge', json?.params)).loadState(json);
  }
}
