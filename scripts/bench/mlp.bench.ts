import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Matrix } from '../../src/ml/base/matrix.js';
import { Rng } from '../../src/ml/base/random.js';
import { availableBackends, useBackend, type BackendName } from '../../src/ml/neural/backend.js';
import { MLPRegressor } from '../../src/ml/neural/mlp-regressor.js';
import type { Bench, BenchSection } from './bench.js';

// No target was set for this benchmark: it reports per-backend epoch times,
// the speed-up over the plain CPU backend, and scikit-learn's MLPRegressor
// (numpy + BLAS) on the same shape as a yardstick.
const COLS = 20;

function makeData(rows: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * COLS);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const r = i * COLS;
    y[i] = Math.sin(data[r]) + 0.5 * data[r + 1] * data[r + 2] + 0.1 * rng.normal();
  }
  return { X: { rows, cols: COLS, data }, y };
}

function sklearnEpochSeconds(rows: number, epochs: number, batch: number): number | null {
  try {
    const script = path.resolve('scripts/bench/mlp_sklearn.py');
    const out = execFileSync('/usr/bin/python3', [script, String(rows), String(COLS), String(epochs), String(batch)], { encoding: 'utf8' });
    return (JSON.parse(out) as { epoch_seconds: number }).epoch_seconds;
  } catch {
    return null;
  }
}

const bench: Bench = {
  name: 'mlp',
  async run({ quick }) {
    const rows = quick ? 2_000 : 20_000;
    const epochs = quick ? 1 : 3;
    // 200 is the default (scikit-learn's 'auto' batch size); 32 shows the per-step overhead
    const batches = quick ? [200] : [32, 200];
    const { X, y } = makeData(rows, 1);
    const warm = makeData(256, 2);
    const backends = availableBackends();
    const table: BenchSection['rows'] = [];
    const epochMs = new Map<string, number>();
    for (const backend of backends) {
      if (!(await useBackend(backend))) continue;
      // compile the kernels and JIT the loop before timing
      new MLPRegressor({ epochs: 1 }).fit(warm.X, warm.y);
      for (const batch of batches) {
        const t = performance.now();
        const model = new MLPRegressor({ hidden_layer_sizes: [64, 32], epochs, batch_size: batch }).fit(X, y);
        const ms = (performance.now() - t) / epochs;
        epochMs.set(`${backend}/${batch}`, ms);
        const steps = Math.ceil(rows / batch);
        table.push({
          backend,
          rows,
          cols: COLS,
          layers: '64-32',
          batch_size: batch,
          epoch_ms: ms,
          ms_per_step: ms / steps,
          rows_per_s: Math.round((rows / ms) * 1000),
          final_loss: model.history().loss.at(-1) ?? null,
        });
      }
    }
    const chosen: BackendName = backends[0];
    await useBackend(chosen);
    const notes: string[] = [
      `backends available here: ${backends.join(', ')} (tfjs-node ${backends.includes('tensorflow') ? 'installed' : 'not installed'})`,
    ];
    for (const batch of batches) {
      const sk = sklearnEpochSeconds(rows, epochs, batch);
      const ours = epochMs.get(`${chosen}/${batch}`);
      if (sk === null || ours === undefined) {
        notes.push(`batch ${batch}: scikit-learn yardstick unavailable`);
        continue;
      }
      notes.push(
        `batch ${batch}: ${chosen} epoch ${ours.toFixed(0)} ms vs scikit-learn MLPRegressor ${(sk * 1000).toFixed(0)} ms ` +
          `(${(ours / (sk * 1000)).toFixed(1)}x scikit-learn's time)`,
      );
      const cpu = epochMs.get(`cpu/${batch}`);
      if (cpu !== undefined && chosen !== 'cpu') notes.push(`batch ${batch}: ${chosen} is ${(cpu / ours).toFixed(2)}x faster than the plain CPU backend`);
    }
    return [{ title: `mlp epoch time per TF.js backend (${rows} x ${COLS}, ${epochs} epoch${epochs > 1 ? 's' : ''})`, rows: table, notes }];
  },
};

export default bench;
