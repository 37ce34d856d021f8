/**
 * A dense row-major matrix of doubles. Every estimator takes features as a
 * Matrix: `data[i * cols + j]` is feature j of row i. NaN marks a missing value.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data && data.length !== rows * cols) {
    throw new RangeError(`matrix data has ${data.length} values, expected ${rows} x ${cols} = ${rows * cols}`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** Builds a Matrix from an array of equal-length rows (tests and small inputs only). */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const n = rows.length;
  const cols = n > 0 ? rows[0].length : 0;
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.length !== cols) throw new RangeError(`row ${i} has ${r.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j];
  }
  return { rows: n, cols, data };
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A view of row i (no copy). */
export function getRow(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Copies the given rows, in order, into a new Matrix. */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const { cols } = m;
  const out = new Float64Array(idx.length * cols);
  for (let k = 0; k < idx.length; k++) {
    const src = idx[k] * cols;
    out.set(m.data.subarray(src, src + cols), k * cols);
  }
  return { rows: idx.length, cols, data: out };
}

/** Copies the given entries, in order, into a new vector. */
export function take(v: Float64Array, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = v[idx[k]];
  return out;
}

/** Copies one column into a new vector. */
export function getColumn(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}
