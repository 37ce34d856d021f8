import type * as TF from '@tensorflow/tfjs';
import type { Matrix } from '../base/matrix.js';
import type { Rng } from '../base/random.js';
import { tf } from './backend.js';

/** Hidden-layer activations; `logistic` is scikit-learn's name for `sigmoid`. */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'logistic';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'logistic'];

/** Rows per forward pass at predict time, so hidden activations of huge inputs stay small. */
const PREDICT_CHUNK = 8192;

/**
 * The weight shapes of a fully connected network with layer widths
 * `sizes` = [inputs, hidden..., outputs]: W0, b0, W1, b1, ...
 */
export function denseShapes(sizes: readonly number[]): number[][] {
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) shapes.push([sizes[l], sizes[l + 1]], [sizes[l + 1]]);
  return shapes;
}

/**
 * Glorot-uniform weights and zero biases drawn from our seeded Rng rather
 * than TF.js initialisers, so a seed gives the same start on every backend.
 */
export function glorotWeights(sizes: readonly number[], rng: Rng): Float32Array[] {
  return denseShapes(sizes).map((shape) => {
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * limit;
    }
    return out;
  });
}

/**
 * The forward pass: affine layers with `activation` between them and a linear
 * output (logits or values). With `dropout` > 0 and an Rng, hidden units are
 * dropped (inverted dropout) using masks drawn from that Rng, so training is
 * repeatable for a seed.
 */
export function denseForward(
  weights: readonly TF.Tensor[],
  x: TF.Tensor,
  activation: Activation,
  dropout = 0,
  rng?: Rng,
): TF.Tensor2D {
  const t = tf();
  let h = x as TF.Tensor2D;
  const layers = weights.length / 2;
  for (let l = 0; l < layers; l++) {
    h = t.add(t.matMul(h, weights[2 * l] as TF.Tensor2D), weights[2 * l + 1]);
    if (l + 1 < layers) {
      h = activate(h, activation);
      if (dropout > 0 && rng) h = t.mul(h, dropoutMask(h.shape[0], h.shape[1], dropout, rng));
    }
  }
  return h;
}

/** Runs the network on every row of X in chunks; returns [rows x outputs] row-major. */
export function densePredict(weights: readonly Float32Array[], sizes: readonly number[], activation: Activation, X: Matrix): Float32Array {
  const t = tf();
  const outputs = sizes[sizes.length - 1];
  const out = new Float32Array(X.rows * outputs);
  if (X.rows === 0) return out;
  const shapes = denseShapes(sizes);
  t.tidy(() => {
    const w = weights.map((values, k) => t.tensor(values, shapes[k], 'float32'));
    for (let start = 0; start < X.rows; start += PREDICT_CHUNK) {
      const end = Math.min(start + PREDICT_CHUNK, X.rows);
      const y = t.tidy(() => {
        const x = t.tensor2d(Float32Array.from(X.data.subarray(start * X.cols, end * X.cols)), [end - start, X.cols]);
        return denseForward(w, x, activation);
      });
      out.set(y.dataSync(), start * outputs);
      y.dispose();
    }
  });
  return out;
}

function activate(h: TF.Tensor2D, activation: Activation): TF.Tensor2D {
  const t = tf();
  switch (activation) {
    case 'relu':
      return t.relu(h);
    case 'tanh':
      return t.tanh(h);
    case 'sigmoid':
    case 'logistic':
      return t.sigmoid(h);
  }
}

function dropoutMask(rows: number, cols: number, rate: number, rng: Rng): TF.Tensor2D {
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(rows * cols);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < rate ? 0 : keep;
  return tf().tensor2d(mask, [rows, cols]);
}
