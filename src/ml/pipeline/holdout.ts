import { Rng } from '../base/random.js';

/** Fit rows split into the rows the estimator trains on and the early-stopping validation rows. */
export interface Holdout {
  train: Int32Array;
  valid: Int32Array;
}

function sorted(a: number[]): Int32Array {
  return Int32Array.from(a).sort();
}

/**
 * Holds out `fraction` of the rows (rounded up, as scikit-learn's
 * train_test_split does) by a seeded shuffle, keeping at least one training
 * row. With class codes the split is stratified, each class keeping at least
 * one training row, so the estimator sees every class. Both parts come back
 * in ascending row order.
 */
export function shuffleHoldout(rows: Int32Array, fraction: number, seed: number, classCodes?: Float64Array): Holdout {
  const rng = new Rng(seed);
  if (!classCodes) {
    const order = rng.shuffle(Int32Array.from(rows));
    const nValid = Math.min(Math.ceil(rows.length * fraction), rows.length - 1);
    return { train: order.slice(nValid).sort(), valid: order.slice(0, nValid).sort() };
  }
  const byClass = new Map<number, number[]>();
  for (let k = 0; k < rows.length; k++) {
    const c = classCodes[k];
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(rows[k]);
  }
  const train: number[] = [];
  const valid: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle(byClass.get(c)!);
    const nValid = Math.min(Math.ceil(members.length * fraction), members.length - 1);
    for (let k = 0; k < members.length; k++) (k < nValid ? valid : train).push(members[k]);
  }
  return { train: sorted(train), valid: sorted(valid) };
}

/** The last `fraction` of the rows (rounded up, keeping at least one training row): time order matters. */
export function tailHoldout(rows: Int32Array, fraction: number): Holdout {
  const nValid = Math.min(Math.ceil(rows.length * fraction), rows.length - 1);
  const cut = rows.length - Math.max(0, nValid);
  return { train: rows.slice(0, cut), valid: rows.slice(cut) };
}
