import { DataError, ParameterError } from '../base/errors.js';
import { kstwoSf } from './kolmogorov.js';

/** How the two-sample KS p-value is computed; the names are scipy.stats.ks_2samp's. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

/** Options of {@link ks2Samp}. */
export interface KsOptions {
  /**
   * 'auto' (SciPy 1.10's rule): exact when both samples have at most 10,000
   * values, else asymptotic; 'exact' falls back to asymptotic when
   * lcm(n1, n2) would pass int32 or the exact sum fails; 'asymp' always uses
   * the asymptotic distribution.
   * @defaultValue 'auto'
   */
  method?: KsMethod;
}

/** Result of a two-sided two-sample Kolmogorov-Smirnov test. */
export interface KsResult {
  /** sup |F1 - F2|; in exact mode rounded onto the lattice h / lcm(n1, n2), as SciPy does */
  statistic: number;
  pValue: number;
  /** the method actually used (exact can fall back to asymp) */
  method: 'exact' | 'asymp';
}

/** SciPy's limit for the 'auto' method choice. */
export const KS_MAX_AUTO_N = 10_000;
const INT32_MAX = 2147483647;

/** NumPy's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** P(D_{n,n} >= h/n) for equal sample sizes, by the alternating binomial sum in Horner form. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * P(D_{m,n} >= h / lcm(m, n)) by counting lattice paths that leave the band
 * |x/m - y/n| < h / lcm (Hodges' inside method), keeping 1 - p column by
 * column as Viehmann (2021) suggests so no binomial coefficient overflows.
 */
function probOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const off = minj - lastminj;
    const len = maxj - minj;
    for (let jj = 0; jj < len; jj++) {
      const j = jj + minj;
      // (A i + val j) / (i + j) with the division off the loop-carried chain:
      // 2-3x faster, and the same value to ~1e-14 relative
      const r = 1 / (i + j);
      val = A[jj + off] * (i * r) + val * (j * r);
      A[jj] = val;
    }
    curlen = len;
    if (lastlen > curlen) A.fill(1, len, len + (lastlen - curlen));
  }
  // every entry is a convex combination of values in [0, 1]; only rounding can pass 1
  return Math.min(A[maxj - minj - 1], 1);
}

/** sup_x (F1(x) - F2(x)) and sup_x (F2(x) - F1(x)) of two ascending samples. */
function ecdfExtremes(a: Float64Array, b: Float64Array): { maxS: number; minS: number } {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let hi = -Infinity;
  let lo = Infinity;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > hi) hi = diff;
    if (diff < lo) lo = diff;
  }
  return { maxS: hi, minS: Math.min(Math.max(-lo, 0), 1) };
}

function checkSample(name: string, x: Float64Array): void {
  if (x.length === 0) throw new DataError('ks_2samp: Data passed to ks_2samp must not be empty');
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) throw new DataError(`ks_2samp: ${name} contains NaN at index ${i}`);
  }
}

/** {@link ks2Samp} on samples already sorted ascending (no copy, no sort). */
export function ks2SampSorted(a: Float64Array, b: Float64Array, options: KsOptions = {}): KsResult {
  const method = options.method ?? 'auto';
  if (!['auto', 'exact', 'asymp'].includes(method)) {
    throw new ParameterError(`ks_2samp: Invalid value for mode: ${JSON.stringify(method)}`, 'method');
  }
  checkSample('data1', a);
  checkSample('data2', b);
  const n1 = a.length;
  const n2 = b.length;
  const { maxS, minS } = ecdfExtremes(a, b);
  let d = minS > maxS ? minS : maxS;
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let mode: 'exact' | 'asymp';
  if (method === 'auto') mode = Math.max(n1, n2) <= KS_MAX_AUTO_N ? 'exact' : 'asymp';
  else if (method === 'exact') mode = n1g >= INT32_MAX / n2g ? 'asymp' : 'exact';
  else mode = 'asymp';

  let p = NaN;
  if (mode === 'exact') {
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) {
      p = 1;
    } else {
      p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
      // SciPy treats a result outside [0, 1] (or an overflow) as a failed exact computation
      if (!(p >= 0 && p <= 1)) mode = 'asymp';
    }
  }
  if (mode === 'asymp') {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    p = kstwoSf(roundHalfEven(en), d);
  }
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: mode };
}

/**
 * Two-sided two-sample Kolmogorov-Smirnov test, equal to SciPy 1.10's
 * `scipy.stats.ks_2samp(a, b)` (statistic and p-value, including its choice
 * between the exact and the asymptotic p-value). NaN is refused: drop
 * missing values first.
 */
export function ks2Samp(a: Float64Array, b: Float64Array, options: KsOptions = {}): KsResult {
  checkSample('data1', a);
  checkSample('data2', b);
  return ks2SampSorted(Float64Array.from(a).sort(), Float64Array.from(b).sort(), options);
}
