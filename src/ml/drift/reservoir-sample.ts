import { Rng } from '../base/random.js';

/**
 * A uniform random subset of at most `size` values (Vitter's algorithm R),
 * seeded so the same data and seed give the same subset. When the input has
 * `size` values or fewer, the result is all of them, in input order.
 */
export function reservoirSample(values: Float64Array, size: number, seed = 0): Float64Array {
  if (values.length <= size) return Float64Array.from(values);
  const out = values.slice(0, size);
  const rng = new Rng(seed);
  for (let i = size; i < values.length; i++) {
    const j = rng.int(i + 1);
    if (j < size) out[j] = values[i];
  }
  return out;
}
