import { checkXY } from '../base/checks.js';
import { DataError } from '../base/errors.js';
import type { Estimator, EstimatorJSON, FitOptions } from '../base/estimator.js';
import type { Matrix } from '../base/matrix.js';
import type { Params } from '../base/params.js';
import { checkMlpJSON, MultilayerPerceptron } from './multilayer-perceptron.js';

/**
 * `mlp` for regression: one linear output trained on mean squared error.
 * The target is standardised inside (and un-scaled at predict), so the
 * default learning rate suits any target scale.
 */
export class MLPRegressor extends MultilayerPerceptron implements Estimator {
  readonly task = 'regression';
  private yMean = 0;
  private yScale = 1;

  constructor(params: Params = {}) {
    super('MLPRegressor', params);
  }

  fit(X: Matrix, y: Float64Array, options?: FitOptions): this {
    checkXY(this.name, X, y);
    let mean = 0;
    for (let i = 0; i < y.length; i++) mean += y[i];
    mean /= y.length;
    let sq = 0;
    for (let i = 0; i < y.length; i++) sq += (y[i] - mean) ** 2;
    const scale = Math.sqrt(sq / y.length) || 1;
    const scaled = (v: Float64Array): Float32Array => Float32Array.from(v, (value) => (value - mean) / scale);
    let validation: { X: Matrix; targets: Float32Array } | undefined;
    if (options?.validation) {
      const v = options.validation;
      checkXY(this.name, v.X, v.y);
      if (v.X.cols !== X.cols) throw new DataError(`${this.name}: the validation set has ${v.X.cols} features, expected ${X.cols}`);
      validation = { X: v.X, targets: scaled(v.y) };
    }
    this.fitNetwork(X, scaled(y), 1, 'mse', validation, options);
    this.yMean = mean;
    this.yScale = scale;
    return this;
  }

  predict(X: Matrix): Float64Array {
    const raw = this.outputs(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = raw[i] * this.yScale + this.yMean;
    return out;
  }

  clone(): MLPRegressor {
    return new MLPRegressor(this.getParams());
  }

  toJSON(): EstimatorJSON {
    return this.json({ task: this.task, yMean: this.yMean, yScale: this.yScale, ...this.baseState() });
  }

  static fromJSON(json: EstimatorJSON): MLPRegressor {
    checkMlpJSON(json, 'regression');
    const state = json.state as { yMean?: unknown; yScale?: unknown };
    if (typeof state.yMean !== 'number' || !Number.isFinite(state.yMean) || typeof state.yScale !== 'number' || !(state.yScale > 0) || !Number.isFinite(state.yScale)) {
      throw new DataError('MLPRegressor: the saved target scaling (yMean, yScale) is missing or not finite');
    }
    const model = new MLPRegressor(json.params);
    model.restore(json.state, 1);
    model.yMean = state.yMean;
    model.yScale = state.yScale;
    return model;
  }
}
