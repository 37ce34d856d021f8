import type { Matrix } from '../base/matrix.js';
import type { Objective } from './lbfgs.js';

/**
 * The penalised log-loss scikit-learn's lbfgs solver minimises, summed (not
 * averaged) over rows: Σᵢ loss(zᵢ) + ‖W‖² / (2C), the intercepts unpenalised.
 * Parameters are laid out one row per output: `[w_0 … w_{p−1}, b]` (no b
 * without an intercept). `l2` is 1/C, or 0 for no penalty.
 */

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Binary loss with targets t ∈ {0, 1}; one output. */
export function binaryObjective(X: Matrix, t: Uint8Array, l2: number, fitIntercept: boolean): Objective {
  const { rows: n, cols: p, data } = X;
  return (w, grad) => {
    grad.fill(0);
    const b = fitIntercept ? w[p] : 0;
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const row = i * p;
      let z = b;
      for (let j = 0; j < p; j++) z += data[row + j] * w[j];
      // one exp serves both log(1 + eᶻ) and the sigmoid
      const e = Math.exp(-Math.abs(z));
      loss += (z > 0 ? z : 0) + Math.log1p(e) - (t[i] ? z : 0);
      const r = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - t[i];
      if (r !== 0) for (let j = 0; j < p; j++) grad[j] += r * data[row + j];
      gb += r;
    }
    if (fitIntercept) grad[p] = gb;
    if (l2 > 0) {
      let sq = 0;
      for (let j = 0; j < p; j++) {
        sq += w[j] * w[j];
        grad[j] += l2 * w[j];
      }
      loss += 0.5 * l2 * sq;
    }
    return loss;
  };
}

/** Multinomial (softmax) loss over k classes with targets codes[i] ∈ [0, k). */
export function multinomialObjective(X: Matrix, codes: Int32Array, k: number, l2: number, fitIntercept: boolean): Objective {
  const { rows: n, cols: p, data } = X;
  const stride = p + (fitIntercept ? 1 : 0);
  const z = new Float64Array(k);
  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = i * p;
      let zMax = -Infinity;
      for (let c = 0; c < k; c++) {
        const wc = c * stride;
        let s = fitIntercept ? w[wc + p] : 0;
        for (let j = 0; j < p; j++) s += data[row + j] * w[wc + j];
        z[c] = s;
        if (s > zMax) zMax = s;
      }
      const yi = codes[i];
      const zy = z[yi] - zMax;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        z[c] = Math.exp(z[c] - zMax);
        sum += z[c];
      }
      loss += Math.log(sum) - zy;
      for (let c = 0; c < k; c++) {
        const r = z[c] / sum - (c === yi ? 1 : 0);
        const wc = c * stride;
        for (let j = 0; j < p; j++) grad[wc + j] += r * data[row + j];
        if (fitIntercept) grad[wc + p] += r;
      }
    }
    if (l2 > 0) {
      let sq = 0;
      for (let c = 0; c < k; c++) {
        const wc = c * stride;
        for (let j = 0; j < p; j++) {
          sq += w[wc + j] * w[wc + j];
          grad[wc + j] += l2 * w[wc + j];
        }
      }
      loss += 0.5 * l2 * sq;
    }
    return loss;
  };
}
