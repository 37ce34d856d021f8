/**
 * Quantile of an ascending, NaN-free sample with NumPy's default 'linear'
 * method (Hyndman & Fan type 7), evaluated with NumPy's own interpolation
 * formula so bin edges equal `np.quantile` bit for bit.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const virtualIndex = (n - 1) * q;
  const prev = Math.min(Math.max(Math.floor(virtualIndex), 0), n - 1);
  const next = Math.min(prev + 1, n - 1);
  const gamma = virtualIndex - prev;
  const a = sorted[prev];
  const b = sorted[next];
  const diff = b - a;
  // numpy._lerp: a + diff*t, but b - diff*(1-t) for t >= 0.5
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Index of the first entry of an ascending array that is >= x (np.searchsorted side='left'). */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry of an ascending array that is > x (np.searchsorted side='right'). */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
