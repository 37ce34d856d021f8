import { DataError } from '../base/errors.js';

/**
 * Fitted trees flattened into typed arrays, all trees of a model in one set.
 * Node i is a leaf when `feature[i] < 0`; otherwise a raw value x goes to
 * `left[i]` when `x <= threshold[i]`, to `right[i]` when greater, and to
 * the learned default side (`missingLeft[i]`) when NaN. Children always
 * have larger indices than their parent, so every walk ends.
 */
export interface TreeArrays {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  /** `valueDim` numbers per node (leaf output; inner nodes keep theirs for inspection) */
  value: Float64Array;
  valueDim: number;
  /** node index of each tree's root */
  roots: Int32Array;
}

/** One tree being grown, in typed arrays that double when full; flattened when done. */
export class TreeBuilder {
  feature = new Int32Array(16);
  threshold = new Float64Array(16);
  /** the split bin on the binned matrix, to route training rows without raw values */
  bin = new Int32Array(16);
  left = new Int32Array(16);
  right = new Int32Array(16);
  missingLeft = new Uint8Array(16);
  gain = new Float64Array(16);
  value: Float64Array;
  size = 0;
  /** every node is reachable (no split was turned back into a leaf) */
  compact = true;

  constructor(readonly valueDim: number) {
    this.value = new Float64Array(16 * valueDim);
  }

  private grow(): void {
    const cap = this.feature.length * 2;
    const more = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T => {
      const b = new (a.constructor as { new (n: number): T })(size);
      b.set(a);
      return b;
    };
    this.feature = more(this.feature, cap);
    this.threshold = more(this.threshold, cap);
    this.bin = more(this.bin, cap);
    this.left = more(this.left, cap);
    this.right = more(this.right, cap);
    this.missingLeft = more(this.missingLeft, cap);
    this.gain = more(this.gain, cap);
    this.value = more(this.value, cap * this.valueDim);
  }

  addLeaf(value: ArrayLike<number> | number): number {
    if (this.size === this.feature.length) this.grow();
    const id = this.size++;
    this.feature[id] = -1;
    this.threshold[id] = 0;
    this.bin[id] = 0;
    this.left[id] = -1;
    this.right[id] = -1;
    this.missingLeft[id] = 0;
    this.gain[id] = 0;
    if (typeof value === 'number') this.value[id * this.valueDim] = value;
    else for (let c = 0; c < this.valueDim; c++) this.value[id * this.valueDim + c] = value[c];
    return id;
  }

  /** Turns leaf `id` into a split whose children are added later. */
  setSplit(id: number, feature: number, bin: number, threshold: number, missingLeft: boolean, gain: number): void {
    this.feature[id] = feature;
    this.bin[id] = bin;
    this.threshold[id] = threshold;
    this.missingLeft[id] = missingLeft ? 1 : 0;
    this.gain[id] = gain;
  }

  /** Turns split `id` back into a leaf (children stay in the arrays, unreachable, and are dropped by flattening). */
  makeLeaf(id: number): void {
    this.compact = false;
    this.feature[id] = -1;
    this.left[id] = -1;
    this.right[id] = -1;
    this.gain[id] = 0;
  }
}

/** The node arrays of one grown tree, as built or as sent back by a worker thread. */
export interface GrownTree {
  feature: ArrayLike<number>;
  threshold: ArrayLike<number>;
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  missingLeft: ArrayLike<number>;
  value: ArrayLike<number>;
  readonly size: number;
  /** true when every node is reachable: then flattening is a plain copy */
  readonly compact?: boolean;
}

/** Concatenates grown trees into one TreeArrays, dropping unreachable nodes and renumbering in preorder. */
export function flattenTrees(trees: readonly GrownTree[], valueDim: number): TreeArrays {
  let total = 0;
  for (const t of trees) total += t.size;
  const feature = new Int32Array(total);
  const threshold = new Float64Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const missingLeft = new Uint8Array(total);
  const value = new Float64Array(total * valueDim);
  const roots = new Int32Array(trees.length);
  let next = 0;
  const stack: number[] = [];
  trees.forEach((t, ti) => {
    if (t.compact) {
      // children already follow their parent: copy, shifting child indices
      const base = next;
      roots[ti] = base;
      for (let i = 0; i < t.size; i++) {
        const id = base + i;
        const f = t.feature[i];
        feature[id] = f;
        threshold[id] = t.threshold[i];
        missingLeft[id] = t.missingLeft[i];
        left[id] = f < 0 ? -1 : t.left[i] + base;
        right[id] = f < 0 ? -1 : t.right[i] + base;
      }
      if (valueDim === 1) for (let i = 0; i < t.size; i++) value[base + i] = t.value[i];
      else for (let i = 0, e = t.size * valueDim; i < e; i++) value[base * valueDim + i] = t.value[i];
      next += t.size;
      return;
    }
    // (source node, slot in parent to patch: +id left, -id-1 right, or null for the root)
    const parentSlot: number[] = [];
    stack.length = 0;
    stack.push(0);
    parentSlot.push(Number.NaN);
    while (stack.length > 0) {
      const src = stack.pop()!;
      const slot = parentSlot.pop()!;
      const id = next++;
      if (Number.isNaN(slot)) roots[ti] = id;
      else if (slot >= 0) left[slot] = id;
      else right[-slot - 1] = id;
      feature[id] = t.feature[src];
      threshold[id] = t.threshold[src];
      missingLeft[id] = t.missingLeft[src];
      for (let c = 0; c < valueDim; c++) value[id * valueDim + c] = t.value[src * valueDim + c];
      if (t.feature[src] < 0) {
        left[id] = -1;
        right[id] = -1;
      } else {
        // right pushed first so the left subtree is numbered next (preorder)
        stack.push(t.right[src]);
        parentSlot.push(-id - 1);
        stack.push(t.left[src]);
        parentSlot.push(id);
      }
    }
  });
  return {
    feature: feature.slice(0, next),
    threshold: threshold.slice(0, next),
    left: left.slice(0, next),
    right: right.slice(0, next),
    missingLeft: missingLeft.slice(0, next),
    value: value.slice(0, next * valueDim),
    valueDim,
    roots,
  };
}

/** Keeps the first `count` trees (early stopping); node indices stay valid since trees are stored in order. */
export function truncateTrees(t: TreeArrays, count: number): TreeArrays {
  if (count >= t.roots.length) return t;
  const end = count === 0 ? 0 : t.roots[count];
  return {
    feature: t.feature.slice(0, end),
    threshold: t.threshold.slice(0, end),
    left: t.left.slice(0, end),
    right: t.right.slice(0, end),
    missingLeft: t.missingLeft.slice(0, end),
    value: t.value.slice(0, end * t.valueDim),
    valueDim: t.valueDim,
    roots: t.roots.slice(0, count),
  };
}

/** The trees of `a` followed by those of `b` (boosting continued from a checkpoint). */
export function concatTrees(a: TreeArrays, b: TreeArrays): TreeArrays {
  if (a.valueDim !== b.valueDim) throw new Error(`concatTrees: value sizes ${a.valueDim} and ${b.valueDim} differ`);
  const shift = a.feature.length;
  const join = <T extends Int32Array | Float64Array | Uint8Array>(x: T, y: T): T => {
    const out = new (x.constructor as { new (n: number): T })(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const shifted = (children: Int32Array): Int32Array => children.map((c) => (c < 0 ? c : c + shift));
  return {
    feature: join(a.feature, b.feature),
    threshold: join(a.threshold, b.threshold),
    left: join(a.left, shifted(b.left)),
    right: join(a.right, shifted(b.right)),
    missingLeft: join(a.missingLeft, b.missingLeft),
    value: join(a.value, b.value),
    valueDim: a.valueDim,
    roots: join(a.roots, b.roots.map((r) => r + shift)),
  };
}

/**
 * Adds each tree's leaf value to `out[i * outDim + (tree % outDim)]` (boosting:
 * with k classes, tree t belongs to class t % k). `data` is row-major with
 * `cols` columns.
 */
export function addLeafSums(t: TreeArrays, data: Float64Array, rows: number, cols: number, out: Float64Array, outDim: number, firstTree = 0, lastTree = t.roots.length): void {
  const { feature, threshold, left, right, missingLeft, value, roots } = t;
  for (let tree = firstTree; tree < lastTree; tree++) {
    const root = roots[tree];
    const cls = tree % outDim;
    for (let i = 0, rowBase = 0; i < rows; i++, rowBase += cols) {
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        const x = data[rowBase + f];
        node = x <= threshold[node] ? left[node] : x > threshold[node] ? right[node] : missingLeft[node] === 1 ? left[node] : right[node];
        f = feature[node];
      }
      out[i * outDim + cls] += value[node];
    }
  }
}

/** Averages each tree's leaf vectors: `out[i * valueDim + c]` = mean over trees of the leaf's value c (forests). */
export function averageLeafValues(t: TreeArrays, data: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const { feature, threshold, left, right, missingLeft, value, roots, valueDim } = t;
  const nTrees = roots.length;
  for (let tree = 0; tree < nTrees; tree++) {
    const root = roots[tree];
    for (let i = 0, rowBase = 0; i < rows; i++, rowBase += cols) {
      let node = root;
      let f = feature[node];
      while (f >= 0) {
        const x = data[rowBase + f];
        node = x <= threshold[node] ? left[node] : x > threshold[node] ? right[node] : missingLeft[node] === 1 ? left[node] : right[node];
        f = feature[node];
      }
      const src = node * valueDim;
      const dst = i * valueDim;
      for (let c = 0; c < valueDim; c++) out[dst + c] += value[src + c];
    }
  }
  const inv = 1 / nTrees;
  for (let k = 0; k < out.length; k++) out[k] *= inv;
}

/** The saved form: plain number arrays. */
export interface TreeArraysJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  missingLeft: number[];
  value: number[];
  valueDim: number;
  roots: number[];
}

export function treesToJSON(t: TreeArrays): TreeArraysJSON {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    missingLeft: Array.from(t.missingLeft),
    value: Array.from(t.value),
    valueDim: t.valueDim,
    roots: Array.from(t.roots),
  };
}

function numberArray(name: string, v: unknown, length: number | null, check: (x: number) => boolean): number[] {
  if (!Array.isArray(v)) throw new DataError(`invalid tree model: '${name}' must be an array`);
  if (length !== null && v.length !== length) {
    throw new DataError(`invalid tree model: '${name}' has ${v.length} entries, expected ${length}`);
  }
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !check(x)) throw new DataError(`invalid tree model: '${name}'[${i}] is ${JSON.stringify(x)}`);
  }
  return v as number[];
}

/** Restores trees from JSON, checking every index so that a bad file cannot loop or read out of range. */
export function treesFromJSON(json: unknown, nFeatures: number, expectedValueDim?: number): TreeArrays {
  if (typeof json !== 'object' || json === null) throw new DataError('invalid tree model: trees must be an object');
  const o = json as Record<string, unknown>;
  const valueDim = o.valueDim;
  if (typeof valueDim !== 'number' || !Number.isInteger(valueDim) || valueDim < 1) {
    throw new DataError(`invalid tree model: valueDim ${JSON.stringify(valueDim)}`);
  }
  if (expectedValueDim !== undefined && valueDim !== expectedValueDim) {
    throw new DataError(`invalid tree model: valueDim ${valueDim}, expected ${expectedValueDim}`);
  }
  const isInt = (x: number): boolean => Number.isInteger(x);
  const feature = numberArray('feature', o.feature, null, (x) => isInt(x) && x >= -1 && x < nFeatures);
  const n = feature.length;
  const threshold = numberArray('threshold', o.threshold, n, Number.isFinite);
  const left = numberArray('left', o.left, n, isInt);
  const right = numberArray('right', o.right, n, isInt);
  const missingLeft = numberArray('missingLeft', o.missingLeft, n, (x) => x === 0 || x === 1);
  const value = numberArray('value', o.value, n * valueDim, Number.isFinite);
  const roots = numberArray('roots', o.roots, null, (x) => isInt(x) && x >= 0 && x < n);
  for (let i = 0; i < n; i++) {
    if (feature[i] >= 0) {
      if (!(left[i] > i && left[i] < n && right[i] > i && right[i] < n)) {
        throw new DataError(`invalid tree model: node ${i} has children ${left[i]} and ${right[i]}`);
      }
    } else if (left[i] !== -1 || right[i] !== -1) {
      throw new DataError(`invalid tree model: leaf ${i} has children`);
    }
  }
  for (let k = 1; k < roots.length; k++) {
    if (roots[k] <= roots[k - 1]) throw new DataError('invalid tree model: roots must increase');
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    missingLeft: Uint8Array.from(missingLeft),
    value: Float64Array.from(value),
    valueDim,
    roots: Int32Array.from(roots),
  };
}
