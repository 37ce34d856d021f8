import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Matrix } from '../../../../src/ml/base/matrix.js';
import type { Params } from '../../../../src/ml/base/params.js';

/** Reference values written by scripts/fixtures/linear.py (scikit-learn). */
interface FixtureMatrix {
  rows: number;
  cols: number;
  data: number[];
}

export interface RegressionCase {
  name: string;
  type: 'linear_regression' | 'ridge';
  params: Params;
  X: FixtureMatrix;
  y: number[];
  X_test: FixtureMatrix;
  coef: number[];
  intercept: number;
  predictions: number[];
}

export interface ClassificationCase {
  name: string;
  params: Params;
  X: FixtureMatrix;
  y: number[];
  X_test: FixtureMatrix;
  classes: number[];
  coef: FixtureMatrix;
  intercept: number[];
  predictions: number[];
  probabilities: FixtureMatrix;
}

interface LinearFixture {
  sklearn_version: string;
  regression: RegressionCase[];
  classification: ClassificationCase[];
}

let cached: LinearFixture | undefined;

export function linearFixture(): LinearFixture {
  cached ??= JSON.parse(readFileSync(path.resolve('test/fixtures/linear.json'), 'utf8')) as LinearFixture;
  return cached;
}

export function toMatrix(m: FixtureMatrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}

/** Element-wise |a − e| ≤ atol + rtol·|e|, naming the first index that fails. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = rtol, what = 'value'): void {
  expect(actual.length, `${what} length`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      expect.fail(`${what}[${i}] = ${actual[i]}, expected ${expected[i]} within ${tol.toExponential(2)}`);
    }
  }
}
