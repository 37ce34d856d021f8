import { Rng } from '../../src/ml/base/random.js';
import type { Table } from '../../src/ml/data/table.js';
import { KFold, type Fold } from '../../src/ml/model-selection/index.js';
import { shareTable } from '../../src/training/share-table.js';
import type { TaskName, TaskRunner } from '../../src/training/task-runner.js';
import { LocalTrialDispatcher } from '../../src/training/tuning/local-trial-dispatcher.js';
import { MedianPruner } from '../../src/training/tuning/pruners/median-pruner.js';
import { NopPruner } from '../../src/training/tuning/pruners/nop-pruner.js';
import type { Pruner } from '../../src/training/tuning/pruners/pruner.js';
import { RandomSampler } from '../../src/training/tuning/samplers/random-sampler.js';
import type { Sampler } from '../../src/training/tuning/samplers/sampler.js';
import { TpeSampler } from '../../src/training/tuning/samplers/tpe-sampler.js';
import type { SearchSpace } from '../../src/training/tuning/search-space.js';
import { MemoryStudyStorage } from '../../src/training/tuning/storage/memory-study-storage.js';
import { runStudy } from '../../src/training/tuning/study-driver.js';
import { Study } from '../../src/training/tuning/study.js';
import type { FrozenTrial } from '../../src/training/tuning/trial.js';
import { PiscinaTaskRunner } from '../../workers/thread-pool.js';
import type { Bench, BenchSection } from './bench.js';

/** Friedman #1 regression (scikit-learn's make_friedman1): 10 uniform features, 5 of them used, unit noise. */
function friedman(rows: number, seed: number): Table {
  const rng = new Rng(seed);
  const cols = Array.from({ length: 10 }, () => new Float64Array(rows));
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (const c of cols) c[i] = rng.next();
    y[i] = 10 * Math.sin(Math.PI * cols[0][i] * cols[1][i]) + 20 * (cols[2][i] - 0.5) ** 2 + 10 * cols[3][i] + 5 * cols[4][i] + rng.normal();
  }
  return { rowCount: rows, columns: [...cols.map((values, j) => ({ name: `x${j}`, kind: 'number' as const, values })), { name: 'y', kind: 'number' as const, values: y }] };
}

/**
 * The fixed tuning problem: gradient boosting on Friedman #1, four
 * hyperparameters (two on a log scale), rmse. No subsample: row sampling
 * would add noise that no sampler can learn from.
 */
const SPACE: SearchSpace = {
  learning_rate: { type: 'float', low: 0.005, high: 0.5, log: true },
  max_depth: { type: 'int', low: 1, high: 6, log: false },
  n_estimators: { type: 'int', low: 10, high: 80, log: false },
  min_child_weight: { type: 'float', low: 0.5, high: 50, log: true },
};

/** A runner that counts the folds it ran and the time they spent fitting. */
class CountingRunner implements TaskRunner {
  folds = 0;
  fitMs = 0;
  constructor(private readonly inner: PiscinaTaskRunner) {}
  get threads(): number {
    return this.inner.threads;
  }
  async run<R>(task: TaskName, payload: unknown, options?: { signal?: AbortSignal }): Promise<R> {
    const r = await this.inner.run<R>(task, payload, options);
    if (task === 'cv-fold') {
      this.folds++;
      this.fitMs += (r as { fitMs?: number }).fitMs ?? 0;
    }
    return r;
  }
}

interface StudyRun {
  trials: FrozenTrial[];
  ms: number;
  folds: number;
  /** time the folds spent fitting, summed over threads */
  fitMs: number;
}

/** One study in this process: in-memory storage, trials through the same code a worker runs, folds in the given pool. */
async function runBenchStudy(o: {
  pool: PiscinaTaskRunner;
  table: Table;
  folds: Fold[];
  space: SearchSpace;
  sampler: Sampler;
  pruner?: Pruner;
  nTrials: number;
  parallelism: number;
  /** stop early once the best value is at most this */
  stopAt?: number;
}): Promise<StudyRun> {
  const storage = new MemoryStudyStorage();
  const spec = { type: 'tune', model: { type: 'gradient_boosting', hyperparameters: {} }, target: 'y', search_space: o.space, parallelism: o.parallelism };
  const { study: record } = await storage.createStudy({
    id: 'bench',
    name: 'bench',
    direction: 'minimize',
    metric: 'rmse',
    nTrials: o.nTrials,
    spec: spec as never,
    task: 'regression',
    datasetId: 'friedman',
    seed: 0,
  });
  const study = new Study(record, storage, o.sampler, o.pruner ?? new NopPruner());
  const runner = new CountingRunner(o.pool);
  const dispatcher = new LocalTrialDispatcher(study, { runner, table: o.table, folds: o.folds, worker: 'bench', foldConcurrency: 1 });
  const stop = new AbortController();
  const t0 = performance.now();
  await runStudy(study, {
    dispatcher,
    parallelism: o.parallelism,
    signal: stop.signal,
    onProgress: (p) => {
      if (o.stopAt !== undefined && p.bestValue !== null && p.bestValue <= o.stopAt) stop.abort();
    },
  });
  await dispatcher.idle();
  return { trials: await study.trials(), ms: performance.now() - t0, folds: runner.folds, fitMs: runner.fitMs };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function bestSoFar(trials: FrozenTrial[]): number[] {
  let best = Infinity;
  return [...trials].sort((a, b) => a.number - b.number).map((t) => (best = t.state === 'complete' && t.value! < best ? t.value! : best));
}

/**
 * Keeps every thread busy for a few seconds before timing: the pool starts
 * threads on demand and each loads the fold task's modules on first use, a
 * cost that would otherwise land in the first timed trials.
 */
async function warm(pool: PiscinaTaskRunner, table: Table, folds: Fold[]): Promise<void> {
  const spec = { type: 'gradient_boosting', task: 'regression' as const, target: 'y', hyperparameters: { n_estimators: 20 } };
  for (const t0 = performance.now(); performance.now() - t0 < 3000; ) {
    await Promise.all(
      Array.from({ length: pool.threads * 2 }, (_, i) => folds[i % folds.length]).map(([trainIdx, testIdx]) => pool.run('cv-fold', { spec, table, trainIdx, testIdx })),
    );
  }
}

/** Trials TPE needs to match random search's best of 50, per seed (seeds of the two samplers differ). */
async function samplerEfficiency(pool: PiscinaTaskRunner, table: Table, quick: boolean): Promise<BenchSection> {
  const folds = [...new KFold({ n_splits: 3, shuffle: true, random_state: 0 }).split(table.rowCount)];
  const seeds = quick ? [0, 1, 2] : [0, 1, 2, 3, 4, 5, 6];
  const rows: BenchSection['rows'] = [];
  const needed: number[] = [];
  for (const seed of seeds) {
    const random = await runBenchStudy({ pool, table, folds, space: SPACE, sampler: new RandomSampler(1000 + seed), nTrials: 50, parallelism: 2 });
    const target = Math.min(...bestSoFar(random.trials));
    const tpe = await runBenchStudy({ pool, table, folds, space: SPACE, sampler: new TpeSampler({ seed }), nTrials: 50, parallelism: 1, stopAt: target });
    const curve = bestSoFar(tpe.trials);
    const reached = curve.findIndex((v) => v <= target);
    needed.push(reached < 0 ? 51 : reached + 1);
    rows.push({ seed, random_best_of_50_rmse: target, tpe_trials_to_match: reached < 0 ? '> 50' : reached + 1, tpe_best_rmse: curve.at(-1)! });
  }
  const m = median(needed);
  return {
    title: "TPE vs random search: trials TPE needs to reach random search's best of 50",
    rows,
    notes: [
      `problem: gradient_boosting on Friedman #1 (${table.rowCount} rows, 10 features), 3-fold CV rmse, 4 hyperparameters (learning_rate log, max_depth, n_estimators, min_child_weight log); TPE with its defaults: multivariate, 10 random startup trials, 24 candidates`,
      `median trials TPE needs over ${seeds.length} seeds: ${m} (target <= 25): ${m <= 25 ? 'PASS' : 'MISS'}`,
    ],
  };
}

/** Trials per minute with one and two pool threads: the same study, trials in flight keep both threads busy. */
async function throughput(table: Table, quick: boolean): Promise<BenchSection> {
  const folds = [...new KFold({ n_splits: 3, shuffle: true, random_state: 0 }).split(table.rowCount)];
  const space: SearchSpace = {
    learning_rate: { type: 'float', low: 0.05, high: 0.2, log: true },
    max_depth: { type: 'int', low: 4, high: 5, log: false },
    n_estimators: { type: 'int', low: 60, high: 80, log: false },
  };
  const nTrials = quick ? 8 : 96;
  const rows: BenchSection['rows'] = [];
  const perMinute: number[] = [];
  for (const threads of [1, 2]) {
    const pool = new PiscinaTaskRunner(threads);
    try {
      await warm(pool, table, folds);
      const run = await runBenchStudy({ pool, table, folds, space, sampler: new RandomSampler(5), nTrials, parallelism: 6 });
      const tpm = nTrials / (run.ms / 60_000);
      perMinute.push(tpm);
      rows.push({ threads, trials: nTrials, seconds: run.ms / 1000, trials_per_minute: tpm, fold_fit_seconds: run.fitMs / 1000, threads_busy: run.fitMs / run.ms });
    } finally {
      await pool.close();
    }
  }
  const ratio = perMinute[1] / perMinute[0];
  return {
    title: 'Trials per minute, 1 vs 2 Piscina threads (parallelism 6, 3-fold CV)',
    rows,
    notes: [
      `2 threads run ${ratio.toFixed(2)} x the trials per minute of 1 (target >= 1.8): ${ratio >= 1.8 ? 'PASS' : 'MISS'}`,
      'threads_busy = fold fit time / wall time: near the thread count means the study keeps every thread fed, so a lower ratio comes from the folds themselves running slower side by side (other processes on the cores, memory bandwidth)',
    ],
  };
}

/**
 * Compute saved by the median pruner. Random search proposes the same
 * trials with or without a pruner (it ignores results), so the two studies
 * differ only in pruning: the best value is equal unless the pruner stopped
 * the best trial. One thread, one trial at a time: wall time is compute.
 */
async function pruningSavings(table: Table, quick: boolean): Promise<BenchSection> {
  const folds = [...new KFold({ n_splits: 5, shuffle: true, random_state: 0 }).split(table.rowCount)];
  const seeds = quick ? [0] : [0, 1, 2, 3, 4];
  const nTrials = quick ? 16 : 40;
  const rows: BenchSection['rows'] = [];
  const saved: number[] = [];
  const pool = new PiscinaTaskRunner(1);
  try {
    await warm(pool, table, folds);
    for (const seed of seeds) {
      const full = await runBenchStudy({ pool, table, folds, space: SPACE, sampler: new RandomSampler(seed), nTrials, parallelism: 1 });
      const pruned = await runBenchStudy({ pool, table, folds, space: SPACE, sampler: new RandomSampler(seed), pruner: new MedianPruner({ nStartupTrials: 5 }), nTrials, parallelism: 1 });
      const bestFull = Math.min(...bestSoFar(full.trials));
      const bestPruned = Math.min(...bestSoFar(pruned.trials));
      const s = 1 - pruned.ms / full.ms;
      saved.push(s);
      rows.push({
        seed,
        trials: nTrials,
        best_rmse_no_pruning: bestFull,
        best_rmse_median_pruner: bestPruned,
        equal_best: bestFull === bestPruned,
        pruned_trials: pruned.trials.filter((t) => t.state === 'pruned').length,
        folds_no_pruning: full.folds,
        folds_median_pruner: pruned.folds,
        seconds_no_pruning: full.ms / 1000,
        seconds_median_pruner: pruned.ms / 1000,
        compute_saved: s,
      });
    }
  } finally {
    await pool.close();
  }
  const m = median(saved);
  const allEqual = rows.every((r) => r.equal_best);
  return {
    title: 'Compute saved by the median pruner at an equal best value (random search, 5-fold CV, 1 thread)',
    rows,
    notes: [`median compute saved: ${(m * 100).toFixed(1)} % with ${allEqual ? 'the same best value in every run' : 'a different best value in some run'} (target >= 40 % at an equal best): ${m >= 0.4 && allEqual ? 'PASS' : 'MISS'}`],
  };
}

const bench: Bench = {
  name: 'tune',
  async run({ quick }): Promise<BenchSection[]> {
    const table = shareTable(friedman(quick ? 400 : 1000, 7));
    const pool = new PiscinaTaskRunner(2);
    let efficiency: BenchSection;
    try {
      efficiency = await samplerEfficiency(pool, table, quick);
    } finally {
      await pool.close();
    }
    return [efficiency, await throughput(table, quick), await pruningSavings(table, quick)];
  },
};

export default bench;
