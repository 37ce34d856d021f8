import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../../src/ml/base/matrix.js';
import { Rng } from '../../src/ml/base/random.js';

/** Synthetic tabular data shared by the tree benchmarks (not itself a benchmark). */
export interface Dataset {
  X: Matrix;
  y: Float64Array;
}

/**
 * Features: standard normals (a few with 5% missing). Target from a
 * nonlinear score with interactions: 'binary' draws a Bernoulli label,
 * 'multiclass' cuts the noisy score into `classes` bands, 'regression' is the
 * score plus noise.
 */
export function makeData(rows: number, cols: number, kind: 'binary' | 'multiclass' | 'regression', seed: number, classes = 5): Dataset {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) data[o + j] = rng.normal();
    const x = (j: number): number => data[o + (j % cols)];
    const score = 1.5 * x(0) + Math.sin(2 * x(1)) + x(2) * x(3) - Math.abs(x(4)) + 0.5 * x(5) * x(5) + 0.7 * (x(6) > 0.5 ? 1 : -0.3) * x(7) - 0.5;
    if (kind === 'binary') y[i] = rng.next() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
    else if (kind === 'regression') y[i] = score + 0.5 * rng.normal();
    else {
      const s = score + 0.7 * rng.normal();
      let c = 0;
      for (let k = 1; k < classes; k++) if (s > -1.5 + (3 * k) / classes) c = k;
      y[i] = c;
    }
    for (let j = 8; j < Math.min(cols, 11); j++) if (rng.next() < 0.05) data[o + j] = Number.NaN;
  }
  return { X: { rows, cols, data }, y };
}

export function rocAuc(score: Float64Array, y: Float64Array): number {
  const order = Array.from(score.keys()).sort((a, b) => score[a] - score[b]);
  let pos = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1]] === score[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[order[k]] === 1) {
      pos++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const neg = y.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function accuracy(pred: Float64Array, y: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

export function rmse(pred: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}

export function seconds(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** What a python yardstick reports: train seconds and its test predictions. */
export interface PythonResult {
  trainSeconds: number;
  predictions: Float64Array;
  info: Record<string, unknown>;
}

/**
 * Runs scripts/bench/<script> with Debian's python (xgboost, scikit-learn)
 * on the same train/test data, passed through float64 files in a temp dir.
 */
export function runPython(script: string, train: Dataset, test: Matrix, config: Record<string, unknown>): PythonResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainyard-bench-'));
  try {
    const write = (name: string, a: Float64Array): void => writeFileSync(path.join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    write('X_train.bin', train.X.data);
    write('y_train.bin', train.y);
    write('X_test.bin', test.data);
    const spec = { dir, cols: train.X.cols, ...config };
    // the .py files stay in scripts/bench; from dist/scripts/bench go back to the source tree
    const here = path.dirname(fileURLToPath(import.meta.url));
    const candidates = [path.join(here, script), path.resolve(here, '../../../scripts/bench', script)];
    const file = candidates.find((c) => {
      try {
        readFileSync(c);
        return true;
      } catch {
        return false;
      }
    });
    if (!file) throw new Error(`python yardstick ${script} not found`);
    const out = execFileSync('/usr/bin/python3', [file, JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const res = JSON.parse(out.trim().split('\n').pop()!) as { train_seconds: number } & Record<string, unknown>;
    const buf = readFileSync(path.join(dir, 'pred.bin'));
    const predictions = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return { trainSeconds: res.train_seconds, predictions, info: res };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
