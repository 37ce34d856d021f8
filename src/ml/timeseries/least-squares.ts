/** The solution of an ordinary least-squares problem. */
export interface LeastSquaresResult {
  /** one coefficient per column; columns dropped as collinear get 0 */
  coef: Float64Array;
  /** how many columns were kept (the numerical rank) */
  rank: number;
}

/**
 * Solves min ||A x - b|| for a small dense A (rows x cols, row-major) by
 * Householder QR with column pivoting. Columns that are numerically
 * dependent on earlier ones (e.g. every lag of a constant series next to the
 * intercept) get coefficient 0 instead of blowing up: a basic solution, which
 * fits as well as the minimum-norm one.
 */
export function leastSquares(A: Float64Array, rows: number, cols: number, b: Float64Array): LeastSquaresResult {
  // column-major working copy: Householder steps then touch contiguous memory
  const R = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) R[j * rows + i] = A[i * cols + j];
  const qtb = Float64Array.from(b);
  const perm = Int32Array.from({ length: cols }, (_, j) => j);
  const norms = new Float64Array(cols);
  for (let j = 0; j < cols; j++) norms[j] = columnNorm2(R, rows, j, 0);
  const steps = Math.min(rows, cols);
  let maxDiag = 0;
  let rank = 0;
  for (let k = 0; k < steps; k++) {
    // pivot: the remaining column with the largest norm below row k
    let p = k;
    for (let j = k + 1; j < cols; j++) if (norms[j] > norms[p]) p = j;
    if (p !== k) {
      for (let i = 0; i < rows; i++) {
        const t = R[k * rows + i];
        R[k * rows + i] = R[p * rows + i];
        R[p * rows + i] = t;
      }
      [norms[k], norms[p]] = [norms[p], norms[k]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
    }
    const alphaNorm = Math.sqrt(columnNorm2(R, rows, k, k));
    maxDiag = Math.max(maxDiag, alphaNorm);
    if (alphaNorm === 0 || alphaNorm <= 1e-10 * maxDiag) break;
    const col = k * rows;
    const alpha = R[col + k] > 0 ? -alphaNorm : alphaNorm;
    // v = x - alpha e1, stored in place of the column below the diagonal
    R[col + k] -= alpha;
    const vnorm2 = columnNorm2(R, rows, k, k);
    for (let j = k + 1; j < cols; j++) reflect(R, rows, k, R, j * rows, vnorm2);
    reflect(R, rows, k, qtb, 0, vnorm2);
    R[col + k] = alpha;
    for (let i = k + 1; i < rows; i++) R[col + i] = 0;
    for (let j = k + 1; j < cols; j++) norms[j] = columnNorm2(R, rows, j, k + 1);
    rank++;
  }
  // back substitution on the leading rank x rank triangle
  const z = new Float64Array(rank);
  for (let k = rank - 1; k >= 0; k--) {
    let s = qtb[k];
    for (let j = k + 1; j < rank; j++) s -= R[j * rows + k] * z[j];
    z[k] = s / R[k * rows + k];
  }
  const coef = new Float64Array(cols);
  for (let k = 0; k < rank; k++) coef[perm[k]] = z[k];
  return { coef, rank };
}

function columnNorm2(R: Float64Array, rows: number, j: number, from: number): number {
  let s = 0;
  for (let i = from; i < rows; i++) s += R[j * rows + i] ** 2;
  return s;
}

/** Applies I - 2 v v' / (v'v), v = column k of R from row k, to target[offset + k ..]. */
function reflect(R: Float64Array, rows: number, k: number, target: Float64Array, offset: number, vnorm2: number): void {
  const v = k * rows;
  let dot = 0;
  for (let i = k; i < rows; i++) dot += R[v + i] * target[offset + i];
  const f = (2 * dot) / vnorm2;
  for (let i = k; i < rows; i++) target[offset + i] -= f * R[v + i];
}
