import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromRows, type Matrix } from '../../../../src/ml/base/matrix.js';
import { Rng } from '../../../../src/ml/base/random.js';

type Rows = Array<Array<number | null>>;

/** Reference outputs from xgboost and scikit-learn (scripts/fixtures/tree_reference.py). */
export const reference = JSON.parse(readFileSync(path.resolve('test/fixtures/tree-reference.json'), 'utf8')) as Record<string, Record<string, unknown>>;

/** A matrix from fixture rows, where null stands for a missing value. */
export function matrix(rows: unknown): Matrix {
  return fromRows((rows as Rows).map((r) => r.map((v) => (v === null ? Number.NaN : v))));
}

export function vector(v: unknown): Float64Array {
  return Float64Array.from(v as number[]);
}

export function rocAuc(score: ArrayLike<number>, y: ArrayLike<number>): number {
  let pos = 0;
  let neg = 0;
  let wins = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    pos++;
    for (let j = 0; j < y.length; j++) {
      if (y[j] === 1) continue;
      if (score[i] > score[j]) wins++;
      else if (score[i] === score[j]) wins += 0.5;
    }
  }
  for (let j = 0; j < y.length; j++) if (y[j] !== 1) neg++;
  return wins / (pos * neg);
}

export function accuracy(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

export function column(P: Matrix, c: number): Float64Array {
  const out = new Float64Array(P.rows);
  for (let i = 0; i < P.rows; i++) out[i] = P.data[i * P.cols + c];
  return out;
}

/** Small random regression data: y depends on the first two of `cols` features. */
export function regressionData(rows: number, cols: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = rng.normal();
    y[i] = 2 * data[i * cols] + Math.sin(3 * data[i * cols + 1]) + 0.3 * rng.normal();
  }
  return { X: { rows, cols, data }, y };
}

/** Small random binary data: the label follows the sign of a noisy score of the first two features. */
export function binaryData(rows: number, cols: number, seed: number): { X: Matrix; y: Float64Array } {
  const { X, y } = regressionData(rows, cols, seed);
  for (let i = 0; i < rows; i++) y[i] = y[i] > 0 ? 1 : 0;
  return { X, y };
}
