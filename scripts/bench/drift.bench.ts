import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/ml/base/random.js';
import { buildDriftProfile, driftReport, type DriftColumns, type DriftProfile, type DriftReport } from '../../src/ml/drift/index.js';
import type { Bench, BenchSection } from './bench.js';

/** Our drift check may take at most this multiple of NumPy/SciPy's time on the same tests. */
const TIME_TARGET = 1;
/** Largest relative difference allowed between our values and SciPy's. */
const VALUE_TARGET = 1e-6;

const NUMERIC = 16;
const CATEGORICAL = 4;
const CITIES = ['Lyon', 'Paris', 'Nice', 'Lille', 'Brest', 'Metz', 'Caen', 'Tours'];

interface ScipyFeature {
  psi: number;
  js: number;
  ks_statistic?: number;
  ks_p_value?: number;
  wasserstein?: number;
  chi2?: number;
  chi2_p_value?: number;
}

/** 16 numeric features (some shifted or scaled in the window, some with 1% missing) and 4 categorical ones. */
function makeData(rows: number, seed: number, drift: boolean): DriftColumns {
  const rng = new Rng(seed);
  const cols: DriftColumns = {};
  for (let j = 0; j < NUMERIC; j++) {
    const shift = drift && j % 4 === 1 ? 0.15 : 0;
    const scale = drift && j % 4 === 2 ? 1.3 : 1;
    const x = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const z = rng.normal() * scale + shift;
      x[i] = j % 3 === 0 ? Math.exp(z) : j % 3 === 1 ? Math.round(z * 100) / 100 : z;
      if (j % 5 === 4 && rng.next() < 0.01) x[i] = NaN;
    }
    cols[`num_${j}`] = x;
  }
  for (let j = 0; j < CATEGORICAL; j++) {
    const skew = drift && j % 2 === 1 ? 1.6 : 1;
    const c: Array<string | null> = new Array(rows);
    for (let i = 0; i < rows; i++) {
      const u = Math.pow(rng.next(), skew);
      c[i] = rng.next() < 0.01 ? null : CITIES[Math.min(CITIES.length - 1, Math.floor(u * u * CITIES.length))];
    }
    cols[`cat_${j}`] = c;
  }
  return cols;
}

function scipy(profile: DriftProfile, window: DriftColumns, repeats: number): { seconds: number; features: ScipyFeature[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'trainyard-drift-bench-'));
  try {
    writeFileSync(path.join(dir, 'profile.json'), JSON.stringify(profile));
    const catWindows: Record<string, unknown> = {};
    profile.features.forEach((f, j) => {
      const col = window[f.feature];
      if (f.kind === 'numeric') {
        const x = col as Float64Array;
        writeFileSync(path.join(dir, `window_${j}.bin`), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
      } else {
        catWindows[j] = col;
      }
    });
    writeFileSync(path.join(dir, 'categorical_windows.json'), JSON.stringify(catWindows));
    // the .py stays in scripts/bench; from dist/scripts/bench go back to the source tree
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = [path.join(here, 'drift_scipy.py'), path.resolve(here, '../../../scripts/bench/drift_scipy.py')].find(existsSync);
    if (!script) throw new Error('python yardstick drift_scipy.py not found');
    const out = execFileSync('/usr/bin/python3', [script, JSON.stringify({ dir, repeats })], { encoding: 'utf8', maxBuffer: 1 << 26 });
    return JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; features: ScipyFeature[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function best<T>(repeats: number, fn: () => T): { seconds: number; value: T } {
  let seconds = Infinity;
  let value!: T;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    value = fn();
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
  }
  return { seconds, value };
}

function relDiff(a: number | null | undefined, b: number | undefined): number {
  if (a === null || a === undefined || b === undefined) return a === b ? 0 : Infinity;
  // p-values can be tiny: compare relatively, with an absolute floor far below any decision
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

function worstDiff(report: DriftReport, ref: ScipyFeature[]): { worst: number; where: string } {
  let worst = 0;
  let where = '';
  report.features.forEach((f, j) => {
    const r = ref[j];
    const pairs: Array<[string, number | null, number | undefined]> =
      f.kind === 'numeric'
        ? [['psi', f.psi, r.psi], ['js', f.js_distance, r.js], ['ks_statistic', f.ks_statistic, r.ks_statistic], ['ks_p_value', f.ks_p_value, r.ks_p_value], ['wasserstein', f.wasserstein, r.wasserstein]]
        : [['psi', f.psi, r.psi], ['js', f.js_distance, r.js], ['chi2', f.chi2, r.chi2], ['chi2_p_value', f.chi2_p_value, r.chi2_p_value]];
    for (const [name, ours, theirs] of pairs) {
      const d = relDiff(ours, theirs);
      if (d > worst) {
        worst = d;
        where = `${f.feature}.${name}`;
      }
    }
  });
  return { worst, where };
}

const bench: Bench = {
  name: 'drift',
  async run({ quick }) {
    const refRows = quick ? 10_000 : 100_000;
    const winRows = quick ? 2_000 : 10_000;
    const repeats = quick ? 1 : 3;
    const reference = makeData(refRows, 1, false);
    const window = makeData(winRows, 2, true);

    buildDriftProfile(reference); // warm the JIT
    const prof = best(repeats, () => buildDriftProfile(reference));
    const profile = prof.value;
    driftReport(profile, window); // warm the JIT
    const ours = best(repeats, () => driftReport(profile, window));
    const ref = scipy(profile, window, repeats);
    const { worst, where } = worstDiff(ours.value, ref.features);
    const ratio = ours.seconds / ref.seconds;
    const exact = ours.value.features.filter((f) => f.kind === 'numeric' && f.ks_method === 'exact').length;

    const rows: BenchSection['rows'] = [
      {
        step: `drift check: ${NUMERIC} numeric (PSI, JS, KS, Wasserstein) + ${CATEGORICAL} categorical (PSI, JS, chi2), ${winRows} window rows`,
        ours_s: +ours.seconds.toFixed(4),
        scipy_s: +ref.seconds.toFixed(4),
        ratio: +ratio.toFixed(2),
        worst_rel_diff: +worst.toExponential(2),
      },
      {
        step: `reference profile: ${NUMERIC + CATEGORICAL} features x ${refRows} rows (quantile bins, summary, 10k reservoir sample)`,
        ours_s: +prof.seconds.toFixed(4),
        scipy_s: null,
        ratio: null,
        worst_rel_diff: null,
      },
    ];
    const notes = [
      `drift check time ratio ${ratio.toFixed(2)} (target <= ${TIME_TARGET}): ${ratio <= TIME_TARGET ? 'PASS' : 'MISS'}`,
      `worst relative difference from SciPy ${worst.toExponential(1)} at ${where || '-'} (target <= ${VALUE_TARGET}): ${worst <= VALUE_TARGET ? 'PASS' : 'MISS'}`,
      `${ours.value.n_drifted} of ${ours.value.n_features} features drifted (PSI > ${ours.value.psi_threshold}); KS exact on ${exact} of ${NUMERIC} numeric features (reference sample 10k vs window)`,
      'SciPy 1.10 / NumPy with one BLAS thread, same profile and window, best of the repeats; file loading not timed on either side.',
    ];
    return [{ title: 'drift check vs NumPy/SciPy (same tests, same data)', rows, notes }];
  },
};

export default bench;
