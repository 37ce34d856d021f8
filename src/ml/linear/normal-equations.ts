import type { Matrix } from '../base/matrix.js';

const EPS = 2.220446049250313e-16;

/**
 * Above this estimated condition number of the scaled Gram matrix the fast
 * path gives up: the refinement step below then no longer recovers QR-level
 * accuracy (it needs cond(X)² · eps well under 1).
 */
const MAX_GRAM_CONDITION = 1e10;

export interface NormalEquationsSolution {
  coef: Float64Array;
  /** columns kept (those not numerically zero after centring) */
  rank: number;
}

/**
 * The fast path for least squares and ridge: (XᵀX + alpha·I) w = Xᵀy on the
 * centred data by Cholesky, which costs one pass over X (n·p²/2) instead of
 * Householder QR's 2·n·p² with a column sweep per step.
 *
 * Made safe by (1) dropping columns that are numerically zero after centring
 * (constant features; their minimum-norm coefficient is 0), (2) scaling the
 * Gram matrix to unit diagonal so feature units do not matter, (3) returning
 * null when the scaled system is ill-conditioned or singular, so the caller
 * falls back to pivoted QR / SVD, and (4) one step of iterative refinement
 * against X itself, which brings a well-conditioned answer to QR accuracy.
 *
 * `xMean`/`yMean` are the centring offsets (zeros without an intercept).
 */
export function solveNormalEquations(
  X: Matrix,
  xMean: Float64Array,
  y: Float64Array,
  yMean: number,
  alpha: number,
): NormalEquationsSolution | null {
  const { rows: n, cols: p, data } = X;
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  // Four centred rows at a time: each Gram entry is loaded and stored once per block.
  const c = new Float64Array(4 * p);
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rowsHere = Math.min(4, n - i0);
    c.fill(0);
    const r = [0, 0, 0, 0];
    for (let b = 0; b < rowsHere; b++) {
      const row = (i0 + b) * p;
      for (let j = 0; j < p; j++) c[b * p + j] = data[row + j] - xMean[j];
      r[b] = y[i0 + b] - yMean;
    }
    const [r0, r1, r2, r3] = r;
    for (let j = 0; j < p; j++) {
      const a0 = c[j];
      const a1 = c[p + j];
      const a2 = c[2 * p + j];
      const a3 = c[3 * p + j];
      xty[j] += a0 * r0 + a1 * r1 + a2 * r2 + a3 * r3;
      const gj = j * p;
      for (let k = j; k < p; k++) gram[gj + k] += a0 * c[k] + a1 * c[p + k] + a2 * c[2 * p + k] + a3 * c[3 * p + k];
    }
  }

  let maxNorm = 0;
  for (let j = 0; j < p; j++) maxNorm = Math.max(maxNorm, gram[j * p + j]);
  const cutoff = (EPS * Math.max(n, p)) ** 2 * maxNorm;
  const active: number[] = [];
  for (let j = 0; j < p; j++) if (gram[j * p + j] > cutoff) active.push(j);
  const coef = new Float64Array(p);
  const q = active.length;
  if (q === 0) return { coef, rank: 0 };

  // H = S (G_AA + alpha I) S with S = diag(1/sqrt(diag)), upper triangle, row-major q×q.
  const scale = new Float64Array(q);
  for (let a = 0; a < q; a++) scale[a] = 1 / Math.sqrt(gram[active[a] * p + active[a]] + alpha);
  const h = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    const ja = active[a];
    for (let b = a; b < q; b++) {
      const jb = active[b];
      const g = gram[ja * p + jb] + (a === b ? alpha : 0);
      h[a * q + b] = g * scale[a] * scale[b];
    }
  }
  if (!choleskyInPlace(h, q)) return null;

  const solve = (rhs: Float64Array): Float64Array => {
    const z = new Float64Array(q);
    for (let a = 0; a < q; a++) z[a] = rhs[a] * scale[a];
    choleskySolve(h, q, z);
    for (let a = 0; a < q; a++) z[a] *= scale[a];
    return z;
  };
  const rhs = new Float64Array(q);
  for (let a = 0; a < q; a++) rhs[a] = xty[active[a]];
  const w = solve(rhs);

  // Refinement: g = Xcᵀ(yc − Xc w) − alpha w, then w += H⁻¹ g.
  const grad = new Float64Array(q);
  const xa = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    const row = i * p;
    let r = y[i] - yMean;
    for (let a = 0; a < q; a++) {
      const v = data[row + active[a]] - xMean[active[a]];
      xa[a] = v;
      r -= v * w[a];
    }
    for (let a = 0; a < q; a++) grad[a] += xa[a] * r;
  }
  for (let a = 0; a < q; a++) grad[a] -= alpha * w[a];
  const delta = solve(grad);
  for (let a = 0; a < q; a++) coef[active[a]] = w[a] + delta[a];
  return { coef, rank: q };
}

/**
 * Cholesky of a symmetric positive definite matrix given by its upper
 * triangle (row-major n×n): leaves U with A = UᵀU in that triangle. False
 * when a pivot is not positive or the factor says the matrix is too close to
 * singular for the fast path.
 */
function choleskyInPlace(a: Float64Array, n: number): boolean {
  let minPivot = Infinity;
  let maxPivot = 0;
  for (let k = 0; k < n; k++) {
    let d = a[k * n + k];
    for (let i = 0; i < k; i++) d -= a[i * n + k] * a[i * n + k];
    if (!(d > 0)) return false;
    const ukk = Math.sqrt(d);
    a[k * n + k] = ukk;
    minPivot = Math.min(minPivot, d);
    maxPivot = Math.max(maxPivot, d);
    for (let j = k + 1; j < n; j++) {
      let s = a[k * n + j];
      for (let i = 0; i < k; i++) s -= a[i * n + k] * a[i * n + j];
      a[k * n + j] = s / ukk;
    }
  }
  return maxPivot / minPivot <= MAX_GRAM_CONDITION;
}

/** Solves UᵀU z = b in place, U upper-triangular row-major. */
function choleskySolve(u: Float64Array, n: number, z: Float64Array): void {
  for (let k = 0; k < n; k++) {
    let s = z[k];
    for (let i = 0; i < k; i++) s -= u[i * n + k] * z[i];
    z[k] = s / u[k * n + k];
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = z[k];
    for (let j = k + 1; j < n; j++) s -= u[k * n + j] * z[j];
    z[k] = s / u[k * n + k];
  }
}
