/**
 * Tiny test-only estimators registered under `test_*` model types, so the
 * pipeline tests do not depend on the real model families. Each records its
 * last fit in `fitLog` so tests can see what the pipeline handed over.
 */
import { checkXY } from '../../../../src/ml/base/checks.js';
import { NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import type { Classifier, Estimator, EstimatorJSON, FitOptions, Forecaster } from '../../../../src/ml/base/estimator.js';
import { encodeLabels } from '../../../../src/ml/base/labels.js';
import { createMatrix, type Matrix } from '../../../../src/ml/base/matrix.js';
import { checkNumber, withDefaults, type Params } from '../../../../src/ml/base/params.js';
import { MODEL_TYPES, type ModelType } from '../../../../src/ml/model-types.js';

export const fitLog: { X?: Matrix; y?: Float64Array; series?: Float64Array; options?: FitOptions } = {};

function record(options: FitOptions | undefined, X?: Matrix, y?: Float64Array, series?: Float64Array): void {
  fitLog.X = X;
  fitLog.y = y;
  fitLog.series = series;
  fitLog.options = options;
}

/** Nearest centroid; probabilities are a softmax of minus the squared distances over `temperature`. */
class TestCentroid implements Classifier {
  readonly task = 'classification' as const;
  private readonly params: { temperature: number };
  classes: Float64Array = new Float64Array(0);
  private centroids: Float64Array | null = null;
  private cols = 0;

  constructor(
    readonly type: string,
    private readonly allowNaN: boolean,
    params: Params = {},
  ) {
    this.params = withDefaults('TestCentroid', { temperature: 1 }, params);
    checkNumber('TestCentroid', 'temperature', this.params.temperature, { kind: 'float', gt: 0 });
  }

  fit(X: Matrix, y: Float64Array, options?: FitOptions): this {
    record(options, X, y);
    checkXY('TestCentroid', X, y, this.allowNaN);
    const { classes, codes } = encodeLabels(y, 'TestCentroid');
    const k = classes.length;
    const sums = new Float64Array(k * X.cols);
    const counts = new Float64Array(k * X.cols);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < X.cols; j++) {
        const v = X.data[i * X.cols + j];
        if (Number.isNaN(v)) continue;
        sums[codes[i] * X.cols + j] += v;
        counts[codes[i] * X.cols + j]++;
      }
    }
    for (let t = 0; t < sums.length; t++) sums[t] = counts[t] ? sums[t] / counts[t] : 0;
    this.classes = classes;
    this.centroids = sums;
    this.cols = X.cols;
    return this;
  }

  predictProba(X: Matrix): Matrix {
    if (!this.centroids) throw new NotFittedError('TestCentroid');
    const k = this.classes.length;
    const out = createMatrix(X.rows, k);
    for (let i = 0; i < X.rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let d = 0;
        for (let j = 0; j < this.cols; j++) {
          const v = X.data[i * X.cols + j];
          if (!Number.isNaN(v)) d += (v - this.centroids[c * this.cols + j]) ** 2;
        }
        out.data[i * k + c] = -d / this.params.temperature;
        max = Math.max(max, out.data[i * k + c]);
      }
      let s = 0;
      for (let c = 0; c < k; c++) s += out.data[i * k + c] = Math.exp(out.data[i * k + c] - max);
      for (let c = 0; c < k; c++) out.data[i * k + c] /= s;
    }
    return out;
  }

  predict(X: Matrix): Float64Array {
    const p = this.predictProba(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < p.cols; c++) if (p.data[i * p.cols + c] > p.data[i * p.cols + best]) best = c;
      out[i] = this.classes[best];
    }
    return out;
  }

  getParams(): Params {
    return { ...this.params };
  }

  clone(): TestCentroid {
    return new TestCentroid(this.type, this.allowNaN, this.getParams());
  }

  toJSON(): EstimatorJSON {
    if (!this.centroids) throw new NotFittedError('TestCentroid');
    return {
      format: 'trainyard.estimator',
      formatVersion: 1,
      type: this.type,
      params: this.getParams(),
      state: { classes: Array.from(this.classes), centroids: Array.from(this.centroids), cols: this.cols },
    };
  }

  static fromJSON(json: EstimatorJSON, allowNaN: boolean): TestCentroid {
    const s = json.state as { classes: number[]; centroids: number[]; cols: number } | null;
    if (!s || !Array.isArray(s.classes) || !Array.isArray(s.centroids)) throw new ParameterError('TestCentroid.fromJSON: bad state');
    const e = new TestCentroid(json.type, allowNaN, json.params);
    e.classes = Float64Array.from(s.classes);
    e.centroids = Float64Array.from(s.centroids);
    e.cols = s.cols;
    return e;
  }
}

/** One nearest neighbour regression (squared Euclidean distance). */
class TestNearest implements Estimator {
  readonly task = 'regression' as const;
  readonly type = 'test_nn';
  private X: Matrix | null = null;
  private y = new Float64Array(0);

  constructor(params: Params = {}) {
    withDefaults('TestNearest', {}, params);
  }

  fit(X: Matrix, y: Float64Array, options?: FitOptions): this {
    record(options, X, y);
    checkXY('TestNearest', X, y);
    this.X = { rows: X.rows, cols: X.cols, data: Float64Array.from(X.data) };
    this.y = Float64Array.from(y);
    return this;
  }

  predict(X: Matrix): Float64Array {
    const T = this.X;
    if (!T) throw new NotFittedError('TestNearest');
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = Infinity;
      for (let r = 0; r < T.rows; r++) {
        let d = 0;
        for (let j = 0; j < T.cols; j++) d += (X.data[i * X.cols + j] - T.data[r * T.cols + j]) ** 2;
        if (d < best) {
          best = d;
          out[i] = this.y[r];
        }
      }
    }
    return out;
  }

  getParams(): Params {
    return {};
  }

  clone(): TestNearest {
    return new TestNearest();
  }

  toJSON(): EstimatorJSON {
    if (!this.X) throw new NotFittedError('TestNearest');
    return {
      format: 'trainyard.estimator',
      formatVersion: 1,
      type: this.type,
      params: {},
      state: { rows: this.X.rows, cols: this.X.cols, X: Array.from(this.X.data), y: Array.from(this.y) },
    };
  }

  static fromJSON(json: EstimatorJSON): TestNearest {
    const s = json.state as { rows: number; cols: number; X: number[]; y: number[] };
    const e = new TestNearest();
    e.X = { rows: s.rows, cols: s.cols, data: Float64Array.from(s.X) };
    e.y = Float64Array.from(s.y);
    return e;
  }
}

/** The drift method: the last value plus h times the mean step. */
class TestDrift implements Forecaster {
  readonly task = 'timeseries' as const;
  readonly type = 'test_drift';
  private last: number | null = null;
  private step = 0;

  constructor(params: Params = {}) {
    withDefaults('TestDrift', {}, params);
  }

  fit(y: Float64Array, options?: FitOptions): this {
    record(options, undefined, undefined, Float64Array.from(y));
    this.last = y[y.length - 1];
    this.step = y.length > 1 ? (y[y.length - 1] - y[0]) / (y.length - 1) : 0;
    return this;
  }

  forecast(horizon: number): Float64Array {
    if (this.last === null) throw new NotFittedError('TestDrift');
    const out = new Float64Array(horizon);
    for (let h = 0; h < horizon; h++) out[h] = this.last + (h + 1) * this.step;
    return out;
  }

  getParams(): Params {
    return {};
  }

  clone(): TestDrift {
    return new TestDrift();
  }

  toJSON(): EstimatorJSON {
    return { format: 'trainyard.estimator', formatVersion: 1, type: this.type, params: {}, state: { last: this.last, step: this.step } };
  }

  static fromJSON(json: EstimatorJSON): TestDrift {
    const s = json.state as { last: number; step: number };
    const e = new TestDrift();
    e.last = s.last;
    e.step = s.step;
    return e;
  }
}

const types: Record<string, ModelType> = {
  test_centroid: {
    tasks: ['classification'],
    wantsScaling: true,
    create: (params) => new TestCentroid('test_centroid', false, params),
    fromJSON: (json) => TestCentroid.fromJSON(json, false),
  },
  test_centroid_nan: {
    tasks: ['classification'],
    handlesMissing: true,
    create: (params) => new TestCentroid('test_centroid_nan', true, params),
    fromJSON: (json) => TestCentroid.fromJSON(json, true),
  },
  test_nn: {
    tasks: ['regression'],
    create: (params) => new TestNearest(params),
    fromJSON: (json) => TestNearest.fromJSON(json),
  },
  test_drift: {
    tasks: ['timeseries'],
    create: (params) => new TestDrift(params),
    fromJSON: (json) => TestDrift.fromJSON(json),
  },
};

Object.assign(MODEL_TYPES, types);
