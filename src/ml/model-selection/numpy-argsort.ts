/**
 * numpy's default `argsort` (kind='quicksort', an introsort) for numeric
 * arrays, reproduced step for step. It is not stable: equal keys come out in
 * an order fixed by the partitioning, and scikit-learn's GroupKFold breaks
 * ties between equally sized groups through exactly that order. Matching
 * scikit-learn's folds therefore needs the same algorithm, not just any sort.
 * (numpy <= 1.24 on every CPU; later numpy may dispatch to SIMD sorts.)
 */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 2) return idx;
  const v = values;
  const SMALL = 15;
  const stack: number[] = [];
  const depths: number[] = [];
  let lo = 0;
  let hi = n - 1;
  // numpy: depth limit 2 * floor(log2(n)) before falling back to heapsort
  let depth = 2 * (31 - Math.clz32(n));
  const swap = (a: number, b: number) => {
    const t = idx[a];
    idx[a] = idx[b];
    idx[b] = t;
  };
  for (;;) {
    if (depth < 0) {
      heapsortRange(v, idx, lo, hi - lo + 1);
    } else {
      while (hi - lo > SMALL) {
        const mid = lo + ((hi - lo) >> 1);
        if (v[idx[mid]] < v[idx[lo]]) swap(mid, lo);
        if (v[idx[hi]] < v[idx[mid]]) swap(hi, mid);
        if (v[idx[mid]] < v[idx[lo]]) swap(mid, lo);
        const pivot = v[idx[mid]];
        let i = lo;
        let j = hi - 1;
        swap(mid, j);
        for (;;) {
          do i++;
          while (v[idx[i]] < pivot);
          do j--;
          while (pivot < v[idx[j]]);
          if (i >= j) break;
          swap(i, j);
        }
        swap(i, hi - 1);
        // the larger side waits on the stack; the loop continues on the smaller
        if (i - lo < hi - i) {
          stack.push(i + 1, hi);
          hi = i - 1;
        } else {
          stack.push(lo, i - 1);
          lo = i + 1;
        }
        depths.push(--depth);
      }
      for (let i = lo + 1; i <= hi; i++) {
        const vi = idx[i];
        const key = v[vi];
        let j = i;
        while (j > lo && key < v[idx[j - 1]]) {
          idx[j] = idx[j - 1];
          j--;
        }
        idx[j] = vi;
      }
    }
    if (stack.length === 0) break;
    hi = stack.pop()!;
    lo = stack.pop()!;
    depth = depths.pop()!;
  }
  return idx;
}

/**
 * numpy's `argsort(kind='heapsort')`: the introsort's fallback on
 * unbalanced partitions, exported so its tie order can be tested directly.
 */
export function numpyHeapArgsort(values: ArrayLike<number>): Int32Array {
  const idx = new Int32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  heapsortRange(values, idx, 0, idx.length);
  return idx;
}

/** numpy's `aheapsort` on idx[start .. start + count - 1]. */
function heapsortRange(v: ArrayLike<number>, idx: Int32Array, start: number, count: number): void {
  // 1-based heap positions, as in numpy, mapped onto the slice
  const at = (k: number) => idx[start + k - 1];
  const set = (k: number, x: number) => {
    idx[start + k - 1] = x;
  };
  let n = count;
  const siftDown = (l: number, size: number, tmp: number) => {
    let i = l;
    let j = l << 1;
    while (j <= size) {
      if (j < size && v[at(j)] < v[at(j + 1)]) j++;
      if (v[tmp] < v[at(j)]) {
        set(i, at(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  };
  for (let l = n >> 1; l > 0; l--) siftDown(l, n, at(l));
  while (n > 1) {
    const tmp = at(n);
    set(n, at(1));
    n--;
    siftDown(1, n, tmp);
  }
}
