import { loadavg } from 'node:os';
import type { Matrix } from '../../src/ml/base/matrix.js';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../../src/ml/tree/gradient-boosting.js';
import type { Bench, BenchSection } from './bench.js';
import { accuracy, makeData, rmse, rocAuc, runPython, seconds } from './tree-bench-data.js';

/** Our train time may be at most this multiple of xgboost's (tree_method=hist, nthread=2). */
const TIME_TARGET = 1.5;
/** Our test AUC may trail xgboost's by at most this. */
const AUC_TARGET = 0.005;
/** Threads for our fit; the yardstick gets the same two. */
const N_JOBS = 2;

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

function best<T>(repeats: number, fn: () => T): { s: number; result: T } {
  let s = Infinity;
  let result!: T;
  for (let r = 0; r < repeats; r++) {
    let out!: T;
    const t = seconds(() => {
      out = fn();
    });
    if (t < s) {
      s = t;
      result = out;
    }
  }
  return { s, result };
}

function column(P: Matrix, c: number): Float64Array {
  const out = new Float64Array(P.rows);
  for (let i = 0; i < P.rows; i++) out[i] = P.data[i * P.cols + c];
  return out;
}

const bench: Bench = {
  name: 'gbdt',
  async run({ quick }) {
    const sections: BenchSection[] = [];
    const cols = 20;
    const repeats = quick ? 1 : 2;
    const rows = quick ? 10_000 : 100_000;
    const testRows = quick ? 5_000 : 20_000;
    const nEst = quick ? 20 : 100;
    const hp = { learning_rate: 0.1, max_depth: 6, n_estimators: nEst, n_jobs: N_JOBS };
    const trainRows: BenchSection['rows'] = [];
    const notes: string[] = [];

    // binary classification: the headline case
    {
      const train = makeData(rows, cols, 'binary', 1);
      const test = makeData(testRows, cols, 'binary', 2);
      const py = runPython('gbdt_xgboost.py', train, test.X, { objective: 'binary:logistic', max_depth: 6, learning_rate: 0.1, n_estimators: nEst, nthread: N_JOBS, repeats });
      const ours = best(repeats, () => new GradientBoostingClassifier(hp).fit(train.X, train.y));
      const aucOurs = rocAuc(column(ours.result.predictProba(test.X), 1), test.y);
      const aucXgb = rocAuc(py.predictions, test.y);
      const ratio = ours.s / py.trainSeconds;
      trainRows.push({ case: `binary ${rows}x${cols}, ${nEst} trees`, ours_s: ours.s, xgboost_s: py.trainSeconds, ratio, ours_metric: aucOurs, xgboost_metric: aucXgb, metric: 'AUC' });
      // one thread each: less sensitive to other load on the machine than two threads that wait on each other
      const py1 = runPython('gbdt_xgboost.py', train, test.X, { objective: 'binary:logistic', max_depth: 6, learning_rate: 0.1, n_estimators: nEst, nthread: 1, repeats });
      let cpu1 = Infinity;
      const ours1 = best(repeats, () => {
        const c = process.cpuUsage();
        const m = new GradientBoostingClassifier({ ...hp, n_jobs: 1 }).fit(train.X, train.y);
        const u = process.cpuUsage(c);
        cpu1 = Math.min(cpu1, (u.user + u.system) / 1e6);
        return m;
      });
      trainRows.push({
        case: `binary, 1 thread each`,
        ours_s: ours1.s,
        xgboost_s: py1.trainSeconds,
        ratio: ours1.s / py1.trainSeconds,
        ours_metric: rocAuc(column(ours1.result.predictProba(test.X), 1), test.y),
        xgboost_metric: rocAuc(py1.predictions, test.y),
        metric: 'AUC',
      });
      notes.push(
        `binary: train time ratio ${ratio.toFixed(2)} (target <= ${TIME_TARGET}): ${verdict(ratio <= TIME_TARGET)}; ` +
          `AUC ${aucOurs.toFixed(4)} vs xgboost ${aucXgb.toFixed(4)} (target within ${AUC_TARGET}): ${verdict(aucOurs >= aucXgb - AUC_TARGET)}`,
      );
      const cpuRatio = cpu1 / Number(py1.info.train_cpu_seconds);
      notes.push(
        `binary, one thread each: wall ratio ${(ours1.s / py1.trainSeconds).toFixed(2)}; CPU time ${cpu1.toFixed(2)} s vs ${Number(py1.info.train_cpu_seconds).toFixed(2)} s, ratio ${cpuRatio.toFixed(2)} (CPU time is the steadier measure on a busy machine)`,
      );

      // prediction speed on the fitted binary model
      const model = ours.result;
      const batch = test.X;
      const one = (i: number): Matrix => ({ rows: 1, cols, data: batch.data.subarray(i * cols, (i + 1) * cols) });
      const singles = quick ? 1_000 : 10_000;
      for (let i = 0; i < 200; i++) model.predictProba(one(i));
      const tOne = seconds(() => {
        for (let i = 0; i < singles; i++) model.predictProba(one(i % batch.rows));
      });
      const batchRows = Math.min(10_000, batch.rows);
      const tenK: Matrix = { rows: batchRows, cols, data: batch.data.subarray(0, batchRows * cols) };
      const reps = quick ? 2 : 10;
      model.predictProba(tenK);
      const tBatch = seconds(() => {
        for (let r = 0; r < reps; r++) model.predictProba(tenK);
      });
      sections.push({
        title: `gradient_boosting prediction (${nEst} trees, depth 6)`,
        rows: [
          { mode: 'one row per call', rows_per_s: Math.round(singles / tOne), us_per_call: (tOne / singles) * 1e6 },
          { mode: `${batchRows}-row batches`, rows_per_s: Math.round((reps * batchRows) / tBatch), us_per_call: (tBatch / reps) * 1e6 },
        ],
        notes: [`xgboost predicted ${testRows} rows in ${(Number(py.info.predict_seconds) * 1e3).toFixed(1)} ms (DMatrix + predict, for scale).`],
      });
    }

    // multiclass softmax
    {
      const mRows = quick ? 5_000 : 50_000;
      const mEst = quick ? 10 : 50;
      const K = 5;
      const train = makeData(mRows, cols, 'multiclass', 3, K);
      const test = makeData(testRows, cols, 'multiclass', 4, K);
      const py = runPython('gbdt_xgboost.py', train, test.X, { objective: 'multi:softprob', num_class: K, max_depth: 6, learning_rate: 0.1, n_estimators: mEst, nthread: N_JOBS, repeats });
      const ours = best(repeats, () => new GradientBoostingClassifier({ ...hp, n_estimators: mEst }).fit(train.X, train.y));
      const accOurs = accuracy(ours.result.predict(test.X), test.y);
      const xgbPred = new Float64Array(testRows);
      for (let i = 0; i < testRows; i++) {
        let b = 0;
        for (let k = 1; k < K; k++) if (py.predictions[i * K + k] > py.predictions[i * K + b]) b = k;
        xgbPred[i] = b;
      }
      const accXgb = accuracy(xgbPred, test.y);
      const ratio = ours.s / py.trainSeconds;
      trainRows.push({ case: `multiclass (${K}) ${mRows}x${cols}, ${mEst} rounds`, ours_s: ours.s, xgboost_s: py.trainSeconds, ratio, ours_metric: accOurs, xgboost_metric: accXgb, metric: 'accuracy' });
      notes.push(`multiclass: train time ratio ${ratio.toFixed(2)} (target <= ${TIME_TARGET}): ${verdict(ratio <= TIME_TARGET)}; accuracy ${accOurs.toFixed(4)} vs ${accXgb.toFixed(4)}`);
    }

    // regression
    {
      const train = makeData(rows, cols, 'regression', 5);
      const test = makeData(testRows, cols, 'regression', 6);
      const py = runPython('gbdt_xgboost.py', train, test.X, { objective: 'reg:squarederror', max_depth: 6, learning_rate: 0.1, n_estimators: nEst, nthread: N_JOBS, repeats });
      const ours = best(repeats, () => new GradientBoostingRegressor(hp).fit(train.X, train.y));
      const rOurs = rmse(ours.result.predict(test.X), test.y);
      const rXgb = rmse(py.predictions, test.y);
      const ratio = ours.s / py.trainSeconds;
      trainRows.push({ case: `regression ${rows}x${cols}, ${nEst} trees`, ours_s: ours.s, xgboost_s: py.trainSeconds, ratio, ours_metric: rOurs, xgboost_metric: rXgb, metric: 'RMSE' });
      notes.push(`regression: train time ratio ${ratio.toFixed(2)} (target <= ${TIME_TARGET}): ${verdict(ratio <= TIME_TARGET)}; RMSE ${rOurs.toFixed(4)} vs ${rXgb.toFixed(4)}`);
    }

    notes.push(`load average (1 min) at the end: ${loadavg()[0].toFixed(1)} on this machine; other processes slow xgboost's two OpenMP threads (they wait on each other) more than a single thread.`);
    sections.unshift({
      title: `gradient_boosting vs xgboost ${'hist'} (depth 6, learning_rate 0.1, ${N_JOBS} threads each, best of ${repeats})`,
      rows: trainRows,
      notes,
    });
    return sections;
  },
};

export default bench;
