import { DataError } from '../base/errors.js';

/** {@link wassersteinDistance} on two ascending, NaN-free samples (no copy, no sort). */
export function wassersteinDistanceSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  if (nu === 0 || nv === 0) throw new DataError('wasserstein_distance: Distribution can\'t be empty.');
  // walk the merged sorted values; between consecutive ones both CDFs are flat
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(u[0], v[0]);
  while (i < nu || j < nv) {
    const x = j >= nv || (i < nu && u[i] <= v[j]) ? u[i] : v[j];
    total += Math.abs(i / nu - j / nv) * (x - prev);
    while (i < nu && u[i] <= x) i++;
    while (j < nv && v[j] <= x) j++;
    prev = x;
  }
  return total;
}

/**
 * First Wasserstein (earth mover's) distance between two samples, equal to
 * `scipy.stats.wasserstein_distance(u, v)`: the integral of |F_u - F_v|.
 */
export function wassersteinDistance(u: Float64Array, v: Float64Array): number {
  for (const [name, x] of [['u_values', u], ['v_values', v]] as const) {
    for (let k = 0; k < x.length; k++) {
      if (!Number.isFinite(x[k])) throw new DataError(`wasserstein_distance: ${name} contains a non-finite value at index ${k}`);
    }
  }
  return wassersteinDistanceSorted(Float64Array.from(u).sort(), Float64Array.from(v).sort());
}
