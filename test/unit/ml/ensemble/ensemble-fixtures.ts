import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Params } from '../../../../src/ml/base/params.js';

/** Reference values written by scripts/fixtures/linear.py (scikit-learn ensembles of linear members). */
interface FixtureMatrix {
  rows: number;
  cols: number;
  data: number[];
}

export interface EnsembleCase {
  name: string;
  type: 'voting' | 'stacking';
  task: 'classification' | 'regression';
  params: Params;
  X: FixtureMatrix;
  y: number[];
  X_test: FixtureMatrix;
  predictions: number[];
  probabilities?: FixtureMatrix;
}

interface EnsembleFixture {
  cases: EnsembleCase[];
}

let cached: EnsembleFixture | undefined;

export function ensembleFixture(): EnsembleFixture {
  cached ??= JSON.parse(readFileSync(path.resolve('test/fixtures/linear-ensemble.json'), 'utf8')) as EnsembleFixture;
  return cached;
}

export { expectClose, toMatrix } from '../linear/linear-fixtures.js';
