import type { BinnedMatrix } from './binning.js';
import { HistogramHelper, createControl, type HistogramShared } from './histogram-helper.js';
import { accumulateHistogram } from './histogram-kernel.js';
import { TreeBuilder } from './tree-arrays.js';
import { startHistogramHelper } from './tree-pool.js';

/** Split rules of one boosted tree (xgboost names in the comments). */
export interface BoostingTreeOptions {
  /** max_depth */
  maxDepth: number;
  /** min_child_weight: least hessian sum in a child */
  minChildWeight: number;
  /** reg_lambda */
  lambda: number;
  /** reg_alpha */
  alpha: number;
  /** gamma (min_split_loss): splits gaining less are pruned bottom-up after growth */
  gamma: number;
  /** learning_rate, folded into the leaf values */
  learningRate: number;
}

/** Splits gaining less than this are not made (xgboost's kRtEps). */
const MIN_GAIN = 1e-6;
/**
 * Least row x feature updates for which a histogram is shared with the
 * helper threads: each hand-over costs a wake-up, which smaller nodes do
 * not repay.
 */
const HELPER_MIN_WORK = 262_144;
/** Threshold of the "values left, missing right" split: every finite value goes left. */
const ALL_VALUES = Number.MAX_VALUE;

interface PendingNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  G: number;
  H: number;
  /** histogram slot, or -1 */
  hist: number;
  /** best split found, or feature -1 */
  feature: number;
  bin: number;
  missingLeft: boolean;
  gain: number;
  GL: number;
  HL: number;
}

/**
 * Grows one regression tree on gradient/hessian histograms over the binned
 * matrix, the way xgboost's `hist` method does: a node's histogram holds
 * (sum g, sum h) per bin; the smaller child's histogram is built from its
 * rows and the sibling's is the parent's minus it. Missing values sit in
 * their own bin and go to whichever side gains more (the learned default
 * direction). One grower serves every round of one fit, reusing its buffers.
 */
export class BoostingTreeGrower {
  private readonly idx: Int32Array;
  private readonly tmp: Int32Array;
  private readonly ordered: Float64Array;
  private readonly histSize: number;
  private readonly goesLeft = new Uint8Array(256);
  /** histogram buffers by slot; the first `sharedSlots` sit in shared memory */
  private readonly views: Float64Array[] = [];
  private readonly free: number[] = [];
  private sharedSlots = 0;
  private helper: HistogramHelper | null = null;
  private sharedFeatures: Int32Array | null = null;
  private leafStart: number[] = [];
  private leafEnd: number[] = [];
  private leafNode: number[] = [];
  /** splits whose children are leaves, left unpartitioned: their rows are routed in addToMargins */
  private finalStart: number[] = [];
  private finalEnd: number[] = [];
  private finalNode: number[] = [];
  private readonly sides = new Float64Array(2);
  private parent: number[] = [];
  private rowCount = 0;

  /**
   * With `threads` > 1 (and the binned matrix in shared memory) helper
   * threads share the feature blocks of each large histogram; call close() when done.
   */
  constructor(
    private readonly bm: BinnedMatrix,
    private readonly opt: BoostingTreeOptions,
    threads = 1,
  ) {
    const n = bm.rows;
    this.histSize = bm.totalBins * 2;
    this.tmp = new Int32Array(n);
    const shared = threads > 1 && bm.codes.buffer instanceof SharedArrayBuffer && bm.cols >= 2;
    if (!shared) {
      this.idx = new Int32Array(n);
      this.ordered = new Float64Array(n * 2);
      return;
    }
    this.idx = new Int32Array(new SharedArrayBuffer(n * 4));
    this.ordered = new Float64Array(new SharedArrayBuffer(n * 16));
    // depth-first growth keeps at most one pending sibling per level
    const count = Math.min(opt.maxDepth, 64) + 3;
    const slots = new Float64Array(new SharedArrayBuffer(count * this.histSize * 8));
    for (let k = 0; k < count; k++) this.views.push(slots.subarray(k * this.histSize, (k + 1) * this.histSize));
    for (let k = count - 1; k >= 0; k--) this.free.push(k);
    this.sharedSlots = count;
    this.sharedFeatures = new Int32Array(new SharedArrayBuffer(bm.cols * 4));
    const ctrl = createControl();
    const sharedState: HistogramShared = {
      codes: bm.codes,
      rows: n,
      offsets: bm.offsets,
      idx: this.idx,
      ordered: this.ordered,
      slots,
      histSize: this.histSize,
      features: this.sharedFeatures,
      ctrl,
    };
    for (let i = 0; i < Math.min(threads, 8) - 1; i++) startHistogramHelper(i, sharedState);
    this.helper = HistogramHelper.await(sharedState, 10_000);
  }

  /** Releases the helper thread. */
  close(): void {
    this.helper?.close();
    this.helper = null;
  }

  private acquire(): number {
    const slot = this.free.pop();
    if (slot !== undefined) return slot;
    this.views.push(new Float64Array(this.histSize));
    return this.views.length - 1;
  }

  private release(slot: number): void {
    if (slot >= 0) this.free.push(slot);
  }

  private leafValue(G: number, H: number): number {
    const { alpha, lambda, learningRate } = this.opt;
    let g = G;
    if (alpha > 0) g = G > alpha ? G - alpha : G < -alpha ? G + alpha : 0;
    // an empty hessian with no L2 penalty (min_child_weight = reg_lambda = 0) has no Newton step
    const denom = H + lambda;
    return denom > 0 ? (-g / denom) * learningRate : 0;
  }

  /**
   * Grows a tree on the (g, h) pairs `gh[2i], gh[2i + 1]` of rows
   * `rows[0..count)` (ascending), or of all rows when
   * `rows` is null, using only `features`. Adds each split's gain to
   * `importance[feature]`.
   */
  grow(gh: Float64Array, rows: Int32Array | null, count: number, features: Int32Array, importance: Float64Array): TreeBuilder {
    const { idx, opt } = this;
    const n = count;
    let G = 0;
    let H = 0;
    if (rows) {
      for (let k = 0; k < n; k++) {
        const r = rows[k];
        idx[k] = r;
        G += gh[2 * r];
        H += gh[2 * r + 1];
      }
    } else {
      for (let k = 0; k < n; k++) {
        idx[k] = k;
        G += gh[2 * k];
        H += gh[2 * k + 1];
      }
    }
    this.rowCount = n;
    if (this.sharedFeatures) this.sharedFeatures.set(features);
    this.leafStart = [];
    this.leafEnd = [];
    this.leafNode = [];
    this.finalStart = [];
    this.finalEnd = [];
    this.finalNode = [];
    this.parent = [-1];
    const tree = new TreeBuilder(1);
    tree.addLeaf(this.leafValue(G, H));
    const root: PendingNode = { id: 0, start: 0, end: n, depth: 0, G, H, hist: -1, feature: -1, bin: 0, missingLeft: false, gain: 0, GL: 0, HL: 0 };
    if (this.canSplit(0, H, n)) {
      root.hist = this.acquire();
      this.buildHist(root.hist, 0, n, gh, features, rows === null);
      this.findSplit(root, features);
    }
    const stack: PendingNode[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.feature < 0) {
        this.release(node.hist);
        this.leafStart.push(node.start);
        this.leafEnd.push(node.end);
        this.leafNode.push(node.id);
        continue;
      }
      const threshold = node.bin < this.bm.nBins[node.feature] - 1 ? this.bm.cuts[node.feature][node.bin] : ALL_VALUES;
      tree.setSplit(node.id, node.feature, node.bin, threshold, node.missingLeft, node.gain);
      const GR = node.G - node.GL;
      const HR = node.H - node.HL;
      const l = tree.addLeaf(this.leafValue(node.GL, node.HL));
      const r = tree.addLeaf(this.leafValue(GR, HR));
      tree.left[node.id] = l;
      tree.right[node.id] = r;
      this.parent.push(node.id, node.id);
      const depth = node.depth + 1;
      if (depth >= opt.maxDepth && opt.gamma === 0) {
        // the children stay leaves (nothing to prune): route their rows later instead of partitioning
        this.release(node.hist);
        this.finalStart.push(node.start);
        this.finalEnd.push(node.end);
        this.finalNode.push(node.id);
        continue;
      }
      const mid = this.partition(node.start, node.end, node.feature, node.bin, node.missingLeft);
      const left: PendingNode = { id: l, start: node.start, end: mid, depth, G: node.GL, H: node.HL, hist: -1, feature: -1, bin: 0, missingLeft: false, gain: 0, GL: 0, HL: 0 };
      const right: PendingNode = { id: r, start: mid, end: node.end, depth, G: GR, H: HR, hist: -1, feature: -1, bin: 0, missingLeft: false, gain: 0, GL: 0, HL: 0 };
      const splitL = this.canSplit(depth, left.H, mid - node.start);
      const splitR = this.canSplit(depth, right.H, node.end - mid);
      if (splitL || splitR) {
        const leftSmaller = mid - node.start <= node.end - mid;
        const small = leftSmaller ? left : right;
        const large = leftSmaller ? right : left;
        const parentHist = this.views[node.hist];
        small.hist = this.acquire();
        this.buildHist(small.hist, small.start, small.end, gh, features, false);
        const s = this.views[small.hist];
        // the larger child's histogram, by subtraction, in the parent's buffer
        for (let fi = 0; fi < features.length; fi++) {
          const f = features[fi];
          for (let k = this.bm.offsets[f] * 2, e = this.bm.offsets[f + 1] * 2; k < e; k++) parentHist[k] -= s[k];
        }
        large.hist = node.hist;
        if (leftSmaller ? splitL : splitR) this.findSplit(small, features);
        if (leftSmaller ? splitR : splitL) this.findSplit(large, features);
      } else {
        this.release(node.hist);
      }
      stack.push(right, left);
    }
    if (opt.gamma > 0) this.prune(tree, 0);
    this.addImportance(tree, 0, importance);
    return tree;
  }

  private canSplit(depth: number, H: number, rows: number): boolean {
    return depth < this.opt.maxDepth && rows >= 2 && H >= 2 * this.opt.minChildWeight;
  }

  /** Removes splits gaining less than gamma whose children are leaves, bottom-up (xgboost's pruner). */
  private prune(tree: TreeBuilder, id: number): void {
    if (tree.feature[id] < 0) return;
    const l = tree.left[id];
    const r = tree.right[id];
    this.prune(tree, l);
    this.prune(tree, r);
    if (tree.feature[l] < 0 && tree.feature[r] < 0 && tree.gain[id] < this.opt.gamma) tree.makeLeaf(id);
  }

  private addImportance(tree: TreeBuilder, id: number, importance: Float64Array): void {
    const f = tree.feature[id];
    if (f < 0) return;
    importance[f] += tree.gain[id];
    this.addImportance(tree, tree.left[id], importance);
    this.addImportance(tree, tree.right[id], importance);
  }

  /**
   * Adds the tree's leaf values to the margins of the rows it was grown on:
   * `margin[row * stride + offset] += value`. Uses the row ranges of the
   * leaves, so no tree walk is needed.
   */
  addToMargins(tree: TreeBuilder, margin: Float64Array, stride: number, offset: number): void {
    const { idx, leafStart, leafEnd, leafNode, parent } = this;
    for (let q = 0; q < leafNode.length; q++) {
      let node = leafNode[q];
      // a leaf under a pruned split takes the value of the topmost leaf above it
      for (let a = parent[node]; a >= 0; a = parent[a]) if (tree.feature[a] < 0) node = a;
      const v = tree.value[node];
      for (let k = leafStart[q], e = leafEnd[q]; k < e; k++) margin[idx[k] * stride + offset] += v;
    }
    const { finalStart, finalEnd, finalNode, goesLeft, sides } = this;
    const { codes, rows: n, nBins } = this.bm;
    for (let q = 0; q < finalNode.length; q++) {
      const node = finalNode[q];
      const f = tree.feature[node];
      const bin = tree.bin[node];
      const miss = nBins[f];
      const missingLeft = tree.missingLeft[node];
      for (let c = 0; c <= miss; c++) goesLeft[c] = c === miss ? missingLeft : c <= bin ? 1 : 0;
      sides[0] = tree.value[tree.right[node]];
      sides[1] = tree.value[tree.left[node]];
      const col = f * n;
      for (let k = finalStart[q], e = finalEnd[q]; k < e; k++) {
        const row = idx[k];
        margin[row * stride + offset] += sides[goesLeft[codes[col + row]]];
      }
    }
  }

  /** Rows grown on, in the order of the leaves (for callers that need the complement). */
  get grownRows(): number {
    return this.rowCount;
  }

  /**
   * Sums (g, h) per bin over the node's rows into histogram `slot`. A large
   * histogram is split by features with the helper thread, if there is one.
   */
  private buildHist(slot: number, start: number, end: number, gh: Float64Array, features: Int32Array, allRows: boolean): void {
    const { codes, offsets, rows: n } = this.bm;
    const { idx, ordered } = this;
    const m = end - start;
    if (allRows) {
      ordered.set(gh.subarray(0, 2 * m));
    } else {
      for (let k = 0; k < m; k++) {
        const r = idx[start + k];
        ordered[2 * k] = gh[2 * r];
        ordered[2 * k + 1] = gh[2 * r + 1];
      }
    }
    const hist = this.views[slot];
    const nf = features.length;
    const rows = allRows ? null : idx;
    if (this.helper && slot < this.sharedSlots && m * nf >= HELPER_MIN_WORK) {
      this.helper.build(slot, start, m, allRows, nf);
      return;
    }
    accumulateHistogram(codes, n, offsets, features, 0, nf, rows, start, m, ordered, hist);
  }

  private findSplit(node: PendingNode, features: Int32Array): void {
    const hist = this.views[node.hist];
    const { nBins, offsets } = this.bm;
    const { lambda, alpha, minChildWeight: mcw } = this.opt;
    const G = node.G;
    const H = node.H;
    const score = (g: number, hh: number): number => {
      if (alpha > 0) g = g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
      return (g * g) / (hh + lambda);
    };
    const parentScore = score(G, H);
    let best = MIN_GAIN;
    let bestF = -1;
    let bestBin = 0;
    let bestMissLeft = false;
    let bestGL = 0;
    let bestHL = 0;
    for (let fi = 0; fi < features.length; fi++) {
      const f = features[fi];
      const nb = nBins[f];
      const base = offsets[f] << 1;
      const GM = hist[base + 2 * nb];
      const HM = hist[base + 2 * nb + 1];
      const hasMissing = HM > 0 || GM !== 0;
      let GL = 0;
      let HL = 0;
      const last = hasMissing ? nb : nb - 1;
      for (let b = 0; b < last; b++) {
        const hb = hist[base + 2 * b + 1];
        // an empty bin (every row has h > 0) repeats the previous candidate
        if (hb === 0 && b > 0) continue;
        GL += hist[base + 2 * b];
        HL += hb;
        // missing (if any) right
        const HR = H - HL;
        if (HL >= mcw && HR >= mcw) {
          const gain = score(GL, HL) + score(G - GL, HR) - parentScore;
          if (gain > best) {
            best = gain;
            bestF = f;
            bestBin = b;
            bestGL = GL;
            bestHL = HL;
            // with no missing rows here, unseen missing values follow the heavier side
            bestMissLeft = !hasMissing && HL >= HR;
          }
        }
        if (hasMissing && b < nb - 1) {
          const GLm = GL + GM;
          const HLm = HL + HM;
          const HRm = H - HLm;
          if (HLm >= mcw && HRm >= mcw) {
            const gain = score(GLm, HLm) + score(G - GLm, HRm) - parentScore;
            if (gain > best) {
              best = gain;
              bestF = f;
              bestBin = b;
              bestGL = GLm;
              bestHL = HLm;
              bestMissLeft = true;
            }
          }
        }
      }
    }
    node.feature = bestF;
    node.bin = bestBin;
    node.missingLeft = bestMissLeft;
    node.gain = bestF >= 0 ? best : 0;
    node.GL = bestGL;
    node.HL = bestHL;
  }

  /**
   * Stable in-place partition of the node's rows, left rows first. Branch
   * free: each row is written to both sides and only one cursor advances,
   * since the side is a coin flip the CPU cannot predict.
   */
  private partition(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const { idx, tmp, goesLeft } = this;
    const { codes, rows: n, nBins } = this.bm;
    const col = f * n;
    const miss = nBins[f];
    for (let c = 0; c <= miss; c++) goesLeft[c] = c === miss ? (missingLeft ? 1 : 0) : c <= bin ? 1 : 0;
    let l = start;
    let r = 0;
    for (let k = start; k < end; k++) {
      const row = idx[k];
      const gl = goesLeft[codes[col + row]];
      idx[l] = row;
      tmp[r] = row;
      l += gl;
      r += 1 - gl;
    }
    idx.set(tmp.subarray(0, r), l);
    return l;
  }
}

/** The leaf a row of the binned matrix reaches (for rows a tree was not grown on). */
export function leafOfBinnedRow(tree: TreeBuilder, bm: BinnedMatrix, row: number): number {
  let node = 0;
  let f = tree.feature[0];
  while (f >= 0) {
    const c = bm.codes[f * bm.rows + row];
    const goLeft = c === bm.nBins[f] ? tree.missingLeft[node] === 1 : c <= tree.bin[node];
    node = goLeft ? tree.left[node] : tree.right[node];
    f = tree.feature[node];
  }
  return node;
}
