/**
 * Dense least squares for the linear models.
 *
 * Householder QR with column pivoting, then back substitution when R is
 * clearly full rank. When it is not (collinear or duplicated features, more
 * features than rows) the triangular factor goes through a one-sided Jacobi
 * SVD and the minimum-norm solution is returned, which is what scikit-learn's
 * `scipy.linalg.lstsq` (LAPACK gelsd) gives. This needs no jitter: a tiny
 * diagonal added to XᵀX would bias the answer and still depend on the scale
 * of the features, while the SVD cut-off is relative to the largest singular
 * value.
 */

const EPS = 2.220446049250313e-16;

/** Options of {@link solveLeastSquares}. */
export interface LeastSquaresOptions {
  /**
   * Singular values at or below `rcond * largest` count as zero (the matrix's
   * numerical rank). numpy's convention.
   * @defaultValue `EPS * max(rows, cols)`
   */
  rcond?: number;
}

export interface LeastSquaresSolution {
  /** the minimum-norm minimiser of ‖A x − b‖ */
  x: Float64Array;
  /** numerical rank of A */
  rank: number;
}

/**
 * Solves min ‖A x − b‖₂ for a column-major `a` (rows × cols). Both `a` and
 * `b` are used as scratch space and overwritten.
 */
export function solveLeastSquares(
  a: Float64Array,
  rows: number,
  cols: number,
  b: Float64Array,
  options: LeastSquaresOptions = {},
): LeastSquaresSolution {
  if (a.length !== rows * cols) throw new RangeError(`a has ${a.length} values, expected ${rows} x ${cols}`);
  if (b.length !== rows) throw new RangeError(`b has ${b.length} values, expected ${rows}`);
  const rcond = options.rcond ?? EPS * Math.max(rows, cols);
  if (cols === 0) return { x: new Float64Array(0), rank: 0 };

  // Zero rows change nothing in the residual; padding makes R square.
  let m = rows;
  if (rows < cols) {
    const padded = new Float64Array(cols * cols);
    for (let j = 0; j < cols; j++) padded.set(a.subarray(j * rows, (j + 1) * rows), j * cols);
    const pb = new Float64Array(cols);
    pb.set(b);
    a = padded;
    b = pb;
    m = cols;
  }
  const n = cols;
  const perm = householderQR(a, m, n, b);

  // R is the upper n×n block of `a` (leading dimension m), c = (Qᵀb)[0..n).
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) r[j * n + i] = a[j * m + i];
  const c = b.subarray(0, n);

  const r00 = Math.abs(r[0]);
  let minDiag = Infinity;
  for (let k = 0; k < n; k++) minDiag = Math.min(minDiag, Math.abs(r[k * n + k]));

  const x = new Float64Array(n);
  if (r00 === 0) return { x, rank: 0 };
  // Pivoted |R_kk| track the singular values closely; well above the rank
  // cut-off, back substitution gives the same answer as the SVD for less work.
  if (minDiag > Math.sqrt(EPS) * r00) {
    const z = backSubstitute(r, n, c);
    for (let k = 0; k < n; k++) x[perm[k]] = z[k];
    return { x, rank: n };
  }

  const { w, v, s } = jacobiSvd(r, n, n);
  let sMax = 0;
  for (let j = 0; j < n; j++) sMax = Math.max(sMax, s[j]);
  const cutoff = rcond * sMax;
  const z = new Float64Array(n);
  let rank = 0;
  for (let j = 0; j < n; j++) {
    if (!(s[j] > cutoff)) continue;
    rank++;
    // W = U·S, so uᵀc / s = wᵀc / s².
    let dot = 0;
    for (let i = 0; i < n; i++) dot += w[j * n + i] * c[i];
    const coef = dot / (s[j] * s[j]);
    for (let i = 0; i < n; i++) z[i] += coef * v[j * n + i];
  }
  for (let k = 0; k < n; k++) x[perm[k]] = z[k];
  return { x, rank };
}

/**
 * In-place Householder QR with column pivoting of a column-major m×n matrix
 * (m ≥ n), applying Qᵀ to b as it goes. Leaves R in the upper triangle and
 * returns the permutation: column k of R belongs to original column perm[k].
 */
function householderQR(a: Float64Array, m: number, n: number, b: Float64Array): Int32Array {
  const perm = new Int32Array(n);
  const norms = new Float64Array(n);
  const normsRef = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    perm[j] = j;
    norms[j] = normsRef[j] = columnNorm(a, j * m, 0, m);
  }
  const tolUpdate = Math.sqrt(EPS);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let j = k + 1; j < n; j++) if (norms[j] > norms[p]) p = j;
    if (p !== k) {
      for (let i = 0; i < m; i++) {
        const t = a[k * m + i];
        a[k * m + i] = a[p * m + i];
        a[p * m + i] = t;
      }
      swap(perm, k, p);
      swapF(norms, k, p);
      swapF(normsRef, k, p);
    }
    const ck = k * m;
    const alpha = columnNorm(a, ck, k, m);
    if (alpha === 0) continue;
    const x0 = a[ck + k];
    const rkk = x0 >= 0 ? -alpha : alpha;
    // v = x − rkk·e₁ kept in place below the diagonal; H = I − v vᵀ / (vᵀv) · 2.
    const v0 = x0 - rkk;
    a[ck + k] = v0;
    let vtv = v0 * v0;
    for (let i = k + 1; i < m; i++) vtv += a[ck + i] * a[ck + i];
    const scale = 2 / vtv;
    for (let j = k + 1; j < n; j++) {
      const cj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += a[ck + i] * a[cj + i];
      const f = dot * scale;
      if (f !== 0) for (let i = k; i < m; i++) a[cj + i] -= f * a[ck + i];
    }
    {
      let dot = 0;
      for (let i = k; i < m; i++) dot += a[ck + i] * b[i];
      const f = dot * scale;
      for (let i = k; i < m; i++) b[i] -= f * a[ck + i];
    }
    a[ck + k] = rkk;
    for (let i = k + 1; i < m; i++) a[ck + i] = 0;
    // Downdate the remaining column norms (LAPACK dlaqp2), recomputing when
    // cancellation has eaten the precision.
    for (let j = k + 1; j < n; j++) {
      if (norms[j] === 0) continue;
      const ratio = Math.abs(a[j * m + k]) / norms[j];
      const t = Math.max(0, 1 - ratio * ratio);
      const t2 = t * (norms[j] / normsRef[j]) ** 2;
      if (t2 <= tolUpdate) {
        norms[j] = normsRef[j] = columnNorm(a, j * m, k + 1, m);
      } else {
        norms[j] *= Math.sqrt(t);
      }
    }
  }
  return perm;
}

/** Solves R z = c for an upper-triangular column-major n×n R. */
function backSubstitute(r: Float64Array, n: number, c: ArrayLike<number>): Float64Array {
  const z = Float64Array.from(c);
  for (let k = n - 1; k >= 0; k--) {
    z[k] /= r[k * n + k];
    const zk = z[k];
    for (let i = 0; i < k; i++) z[i] -= r[k * n + i] * zk;
  }
  return z;
}

export interface JacobiSvd {
  /** A·V, column-major m×n: column j is s[j]·u_j */
  w: Float64Array;
  /** right singular vectors, column-major n×n */
  v: Float64Array;
  /** singular values, unsorted */
  s: Float64Array;
}

/**
 * One-sided (Hestenes) Jacobi SVD of a column-major m×n matrix, m ≥ n. Slow
 * for large n but accurate even for tiny singular values, which is what the
 * rank decision needs.
 */
export function jacobiSvd(a: Float64Array, m: number, n: number): JacobiSvd {
  const w = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let j = 0; j < n - 1; j++) {
      const cj = j * m;
      for (let k = j + 1; k < n; k++) {
        const ck = k * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[cj + i];
          const y = w[ck + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[cj + i];
          const y = w[ck + i];
          w[cj + i] = c * x - s * y;
          w[ck + i] = s * x + c * y;
        }
        const vj = j * n;
        const vk = k * n;
        for (let i = 0; i < n; i++) {
          const x = v[vj + i];
          const y = v[vk + i];
          v[vj + i] = c * x - s * y;
          v[vk + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) s[j] = columnNorm(w, j * m, 0, m);
  return { w, v, s };
}

function columnNorm(a: Float64Array, offset: number, from: number, to: number): number {
  // Scaled to avoid overflow/underflow on extreme features.
  let scale = 0;
  let ssq = 1;
  for (let i = from; i < to; i++) {
    const x = a[offset + i];
    if (x === 0) continue;
    const ax = Math.abs(x);
    if (scale < ax) {
      ssq = 1 + ssq * (scale / ax) ** 2;
      scale = ax;
    } else {
      ssq += (ax / scale) ** 2;
    }
  }
  return scale * Math.sqrt(ssq);
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function swapF(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
