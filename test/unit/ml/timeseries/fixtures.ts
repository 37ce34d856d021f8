import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Params } from '../../../../src/ml/base/params.js';

/** test/fixtures/timeseries.json, written by scripts/fixtures/timeseries.py. */
export interface TimeseriesFixtures {
  holt_winters: Array<{ name: string; series: number[]; params: Params; horizon: number; forecast: number[]; sse: number }>;
  holt_winters_fitted: Array<{ name: string; series: number[]; params: Params; reference_sse: number; reference_params: Record<string, number> }>;
  autoregressive: Array<{ params: Params; series: number[]; coef: number[]; horizon: number; forecast: number[] }>;
}

export function loadFixtures(): TimeseriesFixtures {
  return JSON.parse(readFileSync(path.resolve('test/fixtures/timeseries.json'), 'utf8')) as TimeseriesFixtures;
}

/** Relative closeness with an absolute floor, element by element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, label = ''): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const tol = rtol * Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`${label}[${i}]: ${actual[i]} differs from ${expected[i]} by more than ${tol}`);
    }
  }
}
