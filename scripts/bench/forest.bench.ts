import { loadavg } from 'node:os';
import { RandomForestClassifier } from '../../src/ml/tree/random-forest.js';
import type { Bench } from './bench.js';
import { accuracy, makeData, runPython, seconds } from './tree-bench-data.js';

/** Our train time may be at most this multiple of scikit-learn's (n_jobs=2). */
const TIME_TARGET = 0.5;
/** Our test accuracy may trail scikit-learn's by at most this. */
const ACCURACY_TARGET = 0.01;
const N_JOBS = 2;

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

const bench: Bench = {
  name: 'forest',
  async run({ quick }) {
    const rows = quick ? 5_000 : 40_000;
    const testRows = quick ? 2_000 : 10_000;
    const cols = 20;
    const nEst = quick ? 20 : 100;
    const train = makeData(rows, cols, 'binary', 11);
    const test = makeData(testRows, cols, 'binary', 12);
    const py = runPython('forest_sklearn.py', train, test.X, { n_estimators: nEst, n_jobs: N_JOBS });
    const hp = { n_estimators: nEst, n_jobs: N_JOBS, seed: 0 };
    // a first fit starts the helper threads and warms up the JIT in both; the pool lives as long as the process
    new RandomForestClassifier({ ...hp, n_estimators: 8 }).fit(train.X, train.y);
    let model!: RandomForestClassifier;
    const s = seconds(() => {
      model = new RandomForestClassifier(hp).fit(train.X, train.y);
    });
    const sSeq = quick
      ? Number.NaN
      : seconds(() => {
          new RandomForestClassifier({ ...hp, n_jobs: 1 }).fit(train.X, train.y);
        });
    const accOurs = accuracy(model.predict(test.X), test.y);
    const accSk = accuracy(py.predictions, test.y);
    const ratio = s / py.trainSeconds;
    return [
      {
        title: `random_forest vs scikit-learn RandomForestClassifier (${nEst} trees, ${rows}x${cols}, ${N_JOBS} threads each)`,
        rows: [
          { model: `ours n_jobs=${N_JOBS}`, train_s: s, accuracy: accOurs },
          { model: 'ours n_jobs=1', train_s: sSeq, accuracy: accOurs },
          { model: `sklearn ${String(py.info.sklearn)} n_jobs=${N_JOBS}`, train_s: py.trainSeconds, accuracy: accSk },
        ],
        notes: [
          `train time ratio ${ratio.toFixed(2)} (target <= ${TIME_TARGET}): ${verdict(ratio <= TIME_TARGET)}; ` +
            `accuracy ${accOurs.toFixed(4)} vs ${accSk.toFixed(4)} (target within ${ACCURACY_TARGET}): ${verdict(accOurs >= accSk - ACCURACY_TARGET)}`,
          `load average (1 min) at the end: ${loadavg()[0].toFixed(1)}.`,
          `scikit-learn 1.2 cannot take NaN, so its copy of the data has the 5% missing values of three columns mean-imputed; ours learns default directions.`,
        ],
      },
    ];
  },
};

export default bench;
