import type { Table } from '../../src/ml/data/table.js';
import { KFold } from '../../src/ml/model-selection/index.js';
import type { PipelineSpec } from '../../src/ml/pipeline/model-pipeline.js';
import { crossValidateAndFit } from '../../src/training/cross-validate.js';
import { shareTable } from '../../src/training/share-table.js';
import { PiscinaTaskRunner } from '../../workers/thread-pool.js';
import type { Bench, BenchSection } from './bench.js';
import { makeData } from './tree-bench-data.js';

/** A Table of `cols` numeric features f0.. and a binary label, from the tree benchmarks' generator. */
function makeTable(rows: number, cols: number): Table {
  const { X, y } = makeData(rows, cols, 'binary', 11);
  const columns: Table['columns'] = [];
  for (let j = 0; j < cols; j++) {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = X.data[i * cols + j];
    columns.push({ name: `f${j}`, kind: 'number', values });
  }
  columns.push({ name: 'label', kind: 'number', values: y });
  return { rowCount: rows, columns };
}

async function timeIt(threads: number, spec: PipelineSpec, table: Table, withFinalFit: boolean): Promise<number> {
  const runner = new PiscinaTaskRunner(threads);
  try {
    const folds = [...new KFold({ n_splits: 5, shuffle: true, random_state: 0 }).split(table.rowCount)];
    // warm the threads (module loading) outside the timing
    await crossValidateAndFit(runner, { ...spec, hyperparameters: { ...spec.hyperparameters, n_estimators: 1 } }, table, folds.slice(0, threads), { withFinalFit: false });
    const t0 = performance.now();
    await crossValidateAndFit(runner, spec, table, folds, { withFinalFit });
    return (performance.now() - t0) / 1000;
  } finally {
    await runner.close();
  }
}

/**
 * 5-fold cross-validation wall time through the worker's Piscina pool, 1
 * thread vs 2: the folds alone, and folds plus the final fit as a train job
 * runs them.
 */
const bench: Bench = {
  name: 'cv-threads',
  async run({ quick }): Promise<BenchSection[]> {
    const rows = quick ? 20_000 : 100_000;
    const table = shareTable(makeTable(rows, 20));
    const spec: PipelineSpec = {
      type: 'gradient_boosting',
      task: 'classification',
      target: 'label',
      hyperparameters: { n_estimators: quick ? 20 : 60, max_depth: 6, learning_rate: 0.1 },
    };
    const out: BenchSection['rows'] = [];
    const notes: string[] = [];
    for (const withFinalFit of [false, true]) {
      const one = await timeIt(1, spec, table, withFinalFit);
      const two = await timeIt(2, spec, table, withFinalFit);
      const ratio = two / one;
      const what = withFinalFit ? '5-fold CV + final fit (a train job)' : '5-fold CV';
      out.push({ work: what, rows, features: 20, model: `gradient_boosting x${spec.hyperparameters!.n_estimators}`, threads_1_s: one, threads_2_s: two, ratio_2_over_1: ratio });
      notes.push(`${what}: 2 threads take ${ratio.toFixed(3)} x the 1-thread time (target <= 0.6): ${ratio <= 0.6 ? 'PASS' : 'MISS'}`);
    }
    notes.push('5 equal folds on 2 threads need 3 rounds against 5, so 0.6 is the floor for the folds alone; a train job also fits the final model beside the folds (6 tasks, 3 rounds against 6).');
    return [{ title: 'Cross-validation folds in parallel Piscina threads', rows: out, notes }];
  },
};

export default bench;
