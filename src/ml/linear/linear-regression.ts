import type { EstimatorJSON } from '../base/estimator.js';
import { checkBoolean, withDefaults, type Params } from '../base/params.js';
import { LinearRegressor } from './linear-regressor.js';
import { readParams } from './state-json.js';

/** Hyperparameters of {@link LinearRegression} (scikit-learn names). */
export interface LinearRegressionParams extends Params {
  /**
   * Fit an intercept (centre X and y first); false fits through the origin.
   * @defaultValue true
   */
  fit_intercept: boolean;
}

const DEFAULTS: LinearRegressionParams = { fit_intercept: true };

/**
 * Ordinary least squares, scikit-learn's LinearRegression. Collinear or
 * duplicated features (and more features than rows) get the minimum-norm
 * solution, as `scipy.linalg.lstsq` gives; see least-squares.ts.
 */
export class LinearRegression extends LinearRegressor {
  readonly type = 'linear_regression';
  protected readonly name = 'LinearRegression';
  protected readonly alpha = 0;
  protected readonly fitIntercept: boolean;
  private readonly params: LinearRegressionParams;

  constructor(params: Params = {}) {
    super();
    const p = withDefaults(this.name, DEFAULTS, params);
    checkBoolean(this.name, 'fit_intercept', p.fit_intercept);
    this.params = p;
    this.fitIntercept = p.fit_intercept;
  }

  getParams(): LinearRegressionParams {
    return { ...this.params };
  }

  clone(): LinearRegression {
    return new LinearRegression(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): LinearRegression {
    return new LinearRegression(readParams('LinearRegression', json?.params)).loadState(json);
  }
}
