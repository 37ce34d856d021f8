import type * as TF from '@tensorflow/tfjs';
import { DataError, NotFittedError } from '../base/errors.js';
import { estimatorJSON, type EstimatorJSON, type FitOptions, type Forecaster } from '../base/estimator.js';
import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import { activeBackend, tf } from '../neural/backend.js';
import { loadTensors, saveTensor } from '../neural/saved-tensor.js';
import { trainNetwork } from '../neural/train-loop.js';
import { checkHorizon, checkSeries, readNumber, readNumbers } from './series-checks.js';

/** Hyperparameters of `lstm`. */
export interface LstmParams extends Params {
  /** input window: how many past values each prediction sees @defaultValue 12 */
  lags: number;
  /** LSTM hidden units @defaultValue 32 */
  units: number;
  /** passes over the training windows @defaultValue 100 */
  epochs: number;
  /** windows per Adam step @defaultValue 32 */
  batch_size: number;
  /** Adam step size @defaultValue 0.01 */
  learning_rate: number;
  /** seeds initialisation and shuffling @defaultValue 0 */
  seed: number;
}

const DEFAULTS: LstmParams = { lags: 12, units: 32, epochs: 100, batch_size: 32, learning_rate: 0.01, seed: 0 };
const NAME = 'LSTMForecaster';

interface Fitted {
  /** Wx [1, 4u], Wh [u, 4u], b [4u], Wd [u, 1], bd [1]; gates in Keras order i, f, c, o */
  weights: Float32Array[];
  mean: number;
  scale: number;
  /** the last `lags` values of the series, unscaled */
  tail: Float64Array;
  nobs: number;
  backend: string;
  loss: number[];
}

function shapes(units: number): number[][] {
  return [[1, 4 * units], [units, 4 * units], [4 * units], [units, 1], [1]];
}

/**
 * A one-layer LSTM on windows of the standardised series, trained with
 * mini-batch Adam on TensorFlow.js (synchronously, like the mlp). Forecasts
 * are recursive and run in plain JavaScript from the saved weights, so they
 * need no TF.js backend and give the same numbers everywhere.
 */
export class LSTMForecaster implements Forecaster {
  readonly type = 'lstm';
  readonly task = 'timeseries';
  private readonly params: LstmParams;
  private fitted?: Fitted;

  constructor(params: Params = {}) {
    const p = withDefaults(NAME, DEFAULTS, params);
    checkNumber(NAME, 'lags', p.lags, { kind: 'int', min: 1 });
    checkNumber(NAME, 'units', p.units, { kind: 'int', min: 1 });
    checkNumber(NAME, 'epochs', p.epochs, { kind: 'int', min: 1 });
    checkNumber(NAME, 'batch_size', p.batch_size, { kind: 'int', min: 1 });
    checkNumber(NAME, 'learning_rate', p.learning_rate, { kind: 'float', gt: 0 });
    checkNumber(NAME, 'seed', p.seed, { kind: 'int', min: 0 });
    this.params = p;
  }

  /** At least two training windows. */
  get minLength(): number {
    return this.params.lags + 2;
  }

  fit(y: Float64Array, options?: FitOptions): this {
    const { lags, units, seed } = this.params;
    checkSeries(NAME, y, this.minLength, `lags=${lags} needs at least ${this.minLength}`);
    let mean = 0;
    for (const v of y) mean += v / y.length;
    let ss = 0;
    for (const v of y) ss += (v - mean) ** 2;
    const scale = Math.sqrt(ss / y.length) || 1;
    const rows = y.length - lags;
    const windows = new Float32Array(rows * lags);
    const targets = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < lags; k++) windows[r * lags + k] = (y[r + k] - mean) / scale;
      targets[r] = (y[r + lags] - mean) / scale;
    }
    const t = tf();
    const rng = new Rng(seed);
    const init = initialWeights(units, rng);
    const shape = shapes(units);
    const variables = init.map((w, k) => t.tidy(() => t.variable(t.tensor(w, shape[k], 'float32'), true, undefined, 'float32')));
    const x = t.tensor2d(windows, [rows, lags]);
    const target = t.tensor2d(targets, [rows, 1]);
    try {
      const result = trainNetwork({
        estimator: NAME,
        variables,
        forward: (input) => lstmForward(variables, input, lags),
        loss: 'mse',
        x,
        y: target,
        epochs: this.params.epochs,
        batchSize: this.params.batch_size,
        learningRate: this.params.learning_rate,
        rng,
        options: { ...(options?.signal ? { signal: options.signal } : {}), ...(options?.onProgress ? { onProgress: options.onProgress } : {}) },
      });
      this.fitted = {
        weights: variables.map((v) => v.dataSync().slice() as Float32Array),
        mean,
        scale,
        tail: y.slice(y.length - lags),
        nobs: y.length,
        backend: activeBackend(),
        loss: result.loss,
      };
    } finally {
      t.dispose([...variables, x, target]);
    }
    return this;
  }

  forecast(horizon: number): Float64Array {
    const f = this.requireFitted();
    checkHorizon(NAME, horizon);
    const { lags, units } = this.params;
    const window = Float64Array.from(f.tail, (v) => (v - f.mean) / f.scale);
    const out = new Float64Array(horizon);
    const cell = new LstmCell(f.weights, units);
    for (let h = 0; h < horizon; h++) {
      const next = cell.run(window);
      window.copyWithin(0, 1);
      window[lags - 1] = next;
      out[h] = next * f.scale + f.mean;
    }
    return out;
  }

  /** Mean training loss (standardised units) per epoch of the last fit. */
  history(): { loss: number[] } {
    return { loss: [...this.requireFitted().loss] };
  }

  getParams(): Params {
    return { ...this.params };
  }

  clone(): LSTMForecaster {
    return new LSTMForecaster(this.getParams());
  }

  toJSON(): EstimatorJSON {
    const f = this.requireFitted();
    const shape = shapes(this.params.units);
    return estimatorJSON(this.type, this.getParams(), {
      mean: f.mean,
      scale: f.scale,
      tail: Array.from(f.tail),
      nobs: f.nobs,
      backend: f.backend,
      loss: f.loss.map((v) => (Number.isFinite(v) ? v : null)),
      weights: f.weights.map((w, k) => saveTensor(w, shape[k])),
    });
  }

  static fromJSON(json: EstimatorJSON): LSTMForecaster {
    if (json.type !== 'lstm') throw new DataError(`${NAME}: not a saved lstm model (type ${String(json.type)})`);
    const model = new LSTMForecaster(json.params);
    const s = (json.state ?? {}) as Record<string, unknown>;
    const scale = readNumber(NAME, 'scale', s.scale);
    if (!(scale > 0)) throw new DataError(`${NAME}: the saved 'scale' must be > 0`);
    if (!Number.isInteger(s.nobs) || (s.nobs as number) < model.minLength) throw new DataError(`${NAME}: the saved 'nobs' is not a valid series length`);
    model.fitted = {
      weights: loadTensors(NAME, s.weights, shapes(model.params.units)),
      mean: readNumber(NAME, 'mean', s.mean),
      scale,
      tail: readNumbers(NAME, 'tail', s.tail, model.params.lags),
      nobs: s.nobs as number,
      backend: typeof s.backend === 'string' ? s.backend : 'unknown',
      loss: Array.isArray(s.loss) ? s.loss.map((v) => (typeof v === 'number' ? v : NaN)) : [],
    };
    return model;
  }

  private requireFitted(): Fitted {
    if (!this.fitted) throw new NotFittedError(NAME);
    return this.fitted;
  }
}

/** Glorot-uniform kernels, zero biases except the forget gate's 1 (Keras' unit_forget_bias). */
function initialWeights(units: number, rng: Rng): Float32Array[] {
  return shapes(units).map((shape, k) => {
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * limit;
    } else if (k === 2) {
      out.fill(1, units, 2 * units);
    }
    return out;
  });
}

/** The training-time forward pass on TF.js: windows [rows, lags] -> next values [rows, 1]. */
function lstmForward(w: readonly TF.Tensor[], x: TF.Tensor, lags: number): TF.Tensor2D {
  const t = tf();
  const [wx, wh, b, wd, bd] = w as [TF.Tensor2D, TF.Tensor2D, TF.Tensor1D, TF.Tensor2D, TF.Tensor1D];
  const units = wh.shape[0];
  const rows = x.shape[0];
  const steps = t.split(x as TF.Tensor2D, lags, 1);
  let h: TF.Tensor2D = t.zeros([rows, units]);
  let c: TF.Tensor2D = t.zeros([rows, units]);
  for (const xt of steps) {
    const z = t.add(t.add(t.matMul(xt, wx), t.matMul(h, wh)), b) as TF.Tensor2D;
    const [i, f, g, o] = t.split(z, 4, 1);
    c = t.add(t.mul(t.sigmoid(f), c), t.mul(t.sigmoid(i), t.tanh(g)));
    h = t.mul(t.sigmoid(o), t.tanh(c));
  }
  return t.add(t.matMul(h, wd), bd);
}

/** The same network in plain JavaScript for one window at a time (forecasting). */
class LstmCell {
  private readonly h: Float64Array;
  private readonly c: Float64Array;
  private readonly z: Float64Array;

  constructor(
    private readonly w: readonly Float32Array[],
    private readonly units: number,
  ) {
    this.h = new Float64Array(units);
    this.c = new Float64Array(units);
    this.z = new Float64Array(4 * units);
  }

  run(window: Float64Array): number {
    const [wx, wh, b, wd, bd] = this.w;
    const { h, c, z, units } = this;
    const width = 4 * units;
    h.fill(0);
    c.fill(0);
    for (let s = 0; s < window.length; s++) {
      const xt = window[s];
      for (let j = 0; j < width; j++) z[j] = xt * wx[j] + b[j];
      for (let k = 0; k < units; k++) {
        const hk = h[k];
        if (hk === 0) continue;
        const row = k * width;
        for (let j = 0; j < width; j++) z[j] += hk * wh[row + j];
      }
      for (let k = 0; k < units; k++) {
        const ig = sigmoid(z[k]);
        const fg = sigmoid(z[units + k]);
        const gg = Math.tanh(z[2 * units + k]);
        const og = sigmoid(z[3 * units + k]);
        c[k] = fg * c[k] + ig * gg;
        h[k] = og * Math.tanh(c[k]);
      }
    }
    let out = bd[0];
    for (let k = 0; k < units; k++) out += h[k] * wd[k];
    return out;
  }
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}
