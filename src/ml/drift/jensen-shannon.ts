import { DataError } from '../base/errors.js';

/** x ln(x / y) with the conventions of scipy.special.rel_entr. */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * Jensen-Shannon distance between two discrete distributions, equal to
 * `scipy.spatial.distance.jensenshannon(p, q, base)`: both vectors are
 * normalised to sum 1, and the result is sqrt(JS divergence). The default
 * base 2 (drift reports use it) bounds the distance to [0, 1]; pass null for
 * natural logarithms, SciPy's default.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base: number | null = 2): number {
  if (p.length !== q.length) throw new DataError(`jensenshannon: p has ${p.length} entries but q has ${q.length}`);
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0) || !(q[i] >= 0)) throw new DataError(`jensenshannon: entry ${i} is negative or NaN`);
    sp += p[i];
    sq += q[i];
  }
  if (sp === 0 || sq === 0) throw new DataError('jensenshannon: a distribution sums to 0');
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  let js = left + right;
  if (base !== null) js /= Math.log(base);
  // rounding can leave a tiny negative divergence for identical inputs
  return Math.sqrt(Math.max(js, 0) / 2);
}
