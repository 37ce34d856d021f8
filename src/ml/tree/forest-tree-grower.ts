import type { BinnedMatrix } from './binning.js';
import { Rng } from '../base/random.js';
import { TreeBuilder } from './tree-arrays.js';

/** Split rules of one CART tree (scikit-learn names in the comments). */
export interface ForestTreeOptions {
  /** max_depth; Infinity when unlimited */
  maxDepth: number;
  /** min_samples_split */
  minSamplesSplit: number;
  /** min_samples_leaf */
  minSamplesLeaf: number;
  /** features drawn per split (from max_features) */
  featuresPerSplit: number;
  /** number of classes (gini), or 0 for regression (squared error) */
  nClasses: number;
  /** draw rows with replacement (bootstrap) */
  bootstrap: boolean;
}

/** Nodes below this many rows find splits by sorting their bins rather than by a full histogram. */
const SMALL_NODE = 64;
const ALL_VALUES = Number.MAX_VALUE;

interface Pending {
  id: number;
  start: number;
  end: number;
  depth: number;
  /** per channel sums: class counts (or sum of y) then the row count */
  stats: Float64Array;
}

/**
 * Grows CART trees for random forests and single decision trees on the
 * binned matrix: gini for classification, squared error for regression,
 * histograms of the drawn features per node (sorted bins in small nodes).
 * A bootstrap sample is a row list with repeats, so every count below
 * counts draws, like scikit-learn's sample weights.
 * The statistics of a channel c of bin b sit at `hist[b * C + c]`, where
 * C = classes + 1 for more than two classes, else 2 (the sum of the target
 * or of the 0/1 class code), and the last channel counts rows.
 */
export class ForestTreeGrower {
  private readonly C: number;
  /** more than two classes: one count channel per class */
  private readonly multi: boolean;
  private readonly idx: Int32Array;
  private readonly tmp: Int32Array;
  private readonly hist: Float64Array;
  private readonly keys: Int32Array;
  private readonly left: Float64Array;
  private readonly missing: Float64Array;
  private readonly order: Int32Array;
  /** each row's class code (classification) */
  private readonly cls: Int32Array;
  /** each row's centred target (regression) */
  private readonly target: Float64Array;
  private readonly yShift: number;

  constructor(
    private readonly bm: BinnedMatrix,
    target: Float64Array,
    private readonly opt: ForestTreeOptions,
  ) {
    this.multi = opt.nClasses > 2;
    this.C = this.multi ? opt.nClasses + 1 : 2;
    this.idx = new Int32Array(bm.rows);
    this.tmp = new Int32Array(bm.rows);
    this.hist = new Float64Array(256 * this.C);
    this.keys = new Int32Array(SMALL_NODE);
    this.left = new Float64Array(this.C);
    this.missing = new Float64Array(this.C);
    this.order = new Int32Array(bm.cols);
    if (this.multi) {
      this.cls = Int32Array.from(target);
      this.target = new Float64Array(0);
      this.yShift = 0;
    } else if (opt.nClasses === 2) {
      // two classes: gini's split ranking equals squared error's on the 0/1 class code
      this.cls = new Int32Array(0);
      this.target = Float64Array.from(target);
      this.yShift = 0;
    } else {
      this.cls = new Int32Array(0);
      // centring keeps sum-of-squares gains from cancelling on large targets
      let sum = 0;
      for (let i = 0; i < target.length; i++) sum += target[i];
      this.yShift = sum / target.length;
      this.target = new Float64Array(target.length);
      for (let i = 0; i < target.length; i++) this.target[i] = target[i] - this.yShift;
    }
  }

  /** Grows one tree with its own seed; adds each split's weighted impurity decrease to `importance`. */
  grow(seed: number, importance: Float64Array): TreeBuilder {
    const { bm, opt, idx, C, target, cls } = this;
    const rng = new Rng(seed);
    const n = bm.rows;
    if (opt.bootstrap) {
      const counts = new Int32Array(n);
      for (let k = 0; k < n; k++) counts[rng.int(n)]++;
      let m = 0;
      for (let i = 0; i < n; i++) for (let c = counts[i]; c > 0; c--) idx[m++] = i;
    } else {
      for (let i = 0; i < n; i++) idx[i] = i;
    }
    const rootStats = new Float64Array(C);
    const K = opt.nClasses;
    const multi = this.multi;
    for (let k = 0; k < n; k++) {
      const r = idx[k];
      if (multi) rootStats[cls[r]]++;
      else rootStats[0] += target[r];
    }
    rootStats[C - 1] = n;
    const tree = new TreeBuilder(K > 0 ? K : 1);
    tree.addLeaf(this.leafValue(rootStats));
    const stack: Pending[] = [{ id: 0, start: 0, end: n, depth: 0, stats: rootStats }];
    const order = this.order;
    for (let j = 0; j < bm.cols; j++) order[j] = j;
    while (stack.length > 0) {
      const node = stack.pop()!;
      const split = this.findSplit(node, rng);
      if (!split) continue;
      const { feature, bin, missingLeft, leftStats, gain } = split;
      const mid = this.partition(node.start, node.end, feature, bin, missingLeft);
      const threshold = bin < bm.nBins[feature] - 1 ? bm.cuts[feature][bin] : ALL_VALUES;
      tree.setSplit(node.id, feature, bin, threshold, missingLeft, gain);
      importance[feature] += gain;
      const rightStats = new Float64Array(C);
      for (let c = 0; c < C; c++) rightStats[c] = node.stats[c] - leftStats[c];
      const l = tree.addLeaf(this.leafValue(leftStats));
      const r = tree.addLeaf(this.leafValue(rightStats));
      tree.left[node.id] = l;
      tree.right[node.id] = r;
      stack.push({ id: r, start: mid, end: node.end, depth: node.depth + 1, stats: rightStats });
      stack.push({ id: l, start: node.start, end: mid, depth: node.depth + 1, stats: leftStats });
    }
    return tree;
  }

  private leafValue(stats: Float64Array): number[] | number {
    const K = this.opt.nClasses;
    const count = stats[this.C - 1];
    if (K === 0) return stats[0] / count + this.yShift;
    if (K === 2) return [1 - stats[0] / count, stats[0] / count];
    const v: number[] = [];
    for (let k = 0; k < K; k++) v.push(stats[k] / count);
    return v;
  }

  /** Σ_c S_c² / N for the value channels: the split-quality proxy of gini and of squared error. */
  private score(s: Float64Array, sign: number, base: Float64Array | null): number {
    const C = this.C;
    const count = base ? base[C - 1] + sign * s[C - 1] : s[C - 1];
    let q = 0;
    for (let c = 0; c < C - 1; c++) {
      const v = base ? base[c] + sign * s[c] : s[c];
      q += v * v;
    }
    return q / count;
  }

  private isPure(node: Pending): boolean {
    const { C, opt, idx, target } = this;
    const count = node.stats[C - 1];
    if (this.multi) {
      for (let k = 0; k < C - 1; k++) if (node.stats[k] === count) return true;
      return false;
    }
    if (opt.nClasses === 2) return node.stats[0] === 0 || node.stats[0] === count;
    const first = target[idx[node.start]];
    for (let k = node.start + 1; k < node.end; k++) if (target[idx[k]] !== first) return false;
    return true;
  }

  private findSplit(node: Pending, rng: Rng): { feature: number; bin: number; missingLeft: boolean; leftStats: Float64Array; gain: number } | null {
    const { opt, C, order, bm } = this;
    const count = node.stats[C - 1];
    if (node.depth >= opt.maxDepth || count < opt.minSamplesSplit || count < 2 * opt.minSamplesLeaf) return null;
    if (this.isPure(node)) return null;
    const parentScore = this.score(node.stats, 1, null);
    const p = bm.cols;
    let bestScore = -Infinity;
    let bestF = -1;
    let bestBin = 0;
    let bestMissLeft = false;
    const bestLeft = new Float64Array(C);
    const cand = { score: -Infinity, bin: 0, missLeft: false };
    // draw features without replacement; past featuresPerSplit keep drawing only until some split is valid
    for (let j = 0; j < p; j++) {
      if (j >= opt.featuresPerSplit && bestF >= 0) break;
      const r = j + rng.int(p - j);
      const f = order[r];
      order[r] = order[j];
      order[j] = f;
      cand.score = -Infinity;
      if (this.bestSplitOfFeature(node, f, cand, bestLeft, bestScore)) {
        bestScore = cand.score;
        bestF = f;
        bestBin = cand.bin;
        bestMissLeft = cand.missLeft;
      }
    }
    if (bestF < 0) return null;
    return { feature: bestF, bin: bestBin, missingLeft: bestMissLeft, leftStats: bestLeft, gain: Math.max(0, bestScore - parentScore) };
  }

  /**
   * Best split of one feature; when it beats `toBeat`, writes it to `cand`
   * and its left statistics to `bestLeft` and returns true.
   */
  private bestSplitOfFeature(node: Pending, f: number, cand: { score: number; bin: number; missLeft: boolean }, bestLeft: Float64Array, toBeat: number): boolean {
    const { bm, C, idx, target, cls, hist, left, missing, opt } = this;
    const multi = this.multi;
    const n = bm.rows;
    const col = f * n;
    const nb = bm.nBins[f];
    const m = node.end - node.start;
    const minLeaf = opt.minSamplesLeaf;
    const total = node.stats;
    const count = total[C - 1];
    // bins present in the node, ascending, with their statistics in hist[bin * C ...]
    let present: Int32Array | null = null;
    let nPresent = 0;
    let missingCount = 0;
    if (m < SMALL_NODE && m * 2 < nb) {
      const keys = this.keys;
      for (let k = 0; k < m; k++) keys[k] = (bm.codes[col + idx[node.start + k]] << 8) | k;
      // insertion sort: small m
      for (let a = 1; a < m; a++) {
        const v = keys[a];
        let b = a - 1;
        while (b >= 0 && keys[b] > v) {
          keys[b + 1] = keys[b];
          b--;
        }
        keys[b + 1] = v;
      }
      missing.fill(0);
      present = this.tmpPresent(m);
      let prevBin = -1;
      for (let a = 0; a < m; a++) {
        const bin = keys[a] >>> 8;
        const r = idx[node.start + (keys[a] & 255)];
        if (bin === nb) {
          if (multi) missing[cls[r]]++;
          else missing[0] += target[r];
          missing[C - 1]++;
          continue;
        }
        if (bin !== prevBin) {
          present[nPresent++] = bin;
          const o = bin * C;
          for (let c = 0; c < C; c++) hist[o + c] = 0;
          prevBin = bin;
        }
        const o = bin * C;
        if (multi) hist[o + cls[r]]++;
        else hist[o] += target[r];
        hist[o + C - 1]++;
      }
      missingCount = missing[C - 1];
    } else {
      hist.fill(0, 0, (nb + 1) * C);
      const start = node.start;
      const end = node.end;
      if (multi) {
        for (let k = start; k < end; k++) {
          const r = idx[k];
          const o = bm.codes[col + r] * C;
          hist[o + cls[r]]++;
          hist[o + C - 1]++;
        }
      } else {
        for (let k = start; k < end; k++) {
          const r = idx[k];
          const o = bm.codes[col + r] << 1;
          hist[o] += target[r];
          hist[o + 1]++;
        }
      }
      for (let c = 0; c < C; c++) missing[c] = hist[nb * C + c];
      missingCount = missing[C - 1];
    }
    const last = present ? nPresent : nb;
    if (!multi) return this.scanTwo(present, last, total, missingCount, cand, bestLeft, toBeat);
    left.fill(0);
    let best = toBeat;
    let found = false;
    // the last value bin with rows: a split there sends only missing values right
    let lastBin = -1;
    for (let a = last - 1; a >= 0; a--) {
      const b = present ? present[a] : a;
      if (hist[b * C + C - 1] > 0) {
        lastBin = b;
        break;
      }
    }
    for (let a = 0; a < last; a++) {
      const b = present ? present[a] : a;
      const o = b * C;
      const cnt = hist[o + C - 1];
      if (cnt === 0) continue;
      for (let c = 0; c < C; c++) left[c] += hist[o + c];
      const nl = left[C - 1];
      if (b === lastBin) {
        if (missingCount > 0 && nl >= minLeaf && missingCount >= minLeaf) {
          const s = this.score(left, 1, null) + this.score(missing, 1, null);
          if (s > best) {
            best = s;
            found = true;
            cand.bin = b;
            cand.missLeft = false;
            bestLeft.set(left);
          }
        }
        break;
      }
      // missing right
      if (nl >= minLeaf && count - nl >= minLeaf) {
        const s = this.score(left, 1, null) + this.score(left, -1, total);
        if (s > best) {
          best = s;
          found = true;
          cand.bin = b;
          cand.missLeft = missingCount === 0 ? nl >= count - nl : false;
          bestLeft.set(left);
        }
      }
      if (missingCount > 0) {
        const nlm = nl + missingCount;
        if (nlm >= minLeaf && count - nlm >= minLeaf) {
          for (let c = 0; c < C; c++) left[c] += missing[c];
          const s = this.score(left, 1, null) + this.score(left, -1, total);
          if (s > best) {
            best = s;
            found = true;
            cand.bin = b;
            cand.missLeft = true;
            bestLeft.set(left);
          }
          for (let c = 0; c < C; c++) left[c] -= missing[c];
        }
      }
    }
    if (found) cand.score = best;
    return found;
  }

  /** The split scan with one value channel (regression, two classes): Σ²/n per side. */
  private scanTwo(present: Int32Array | null, last: number, total: Float64Array, missingCount: number, cand: { score: number; bin: number; missLeft: boolean }, bestLeft: Float64Array, toBeat: number): boolean {
    const { hist, missing } = this;
    const minLeaf = this.opt.minSamplesLeaf;
    const S = total[0];
    const N = total[1];
    const MS = missing[0];
    const MN = missingCount;
    let lastBin = -1;
    for (let a = last - 1; a >= 0; a--) {
      const b = present ? present[a] : a;
      if (hist[2 * b + 1] > 0) {
        lastBin = b;
        break;
      }
    }
    let best = toBeat;
    let found = false;
    let sl = 0;
    let nl = 0;
    for (let a = 0; a < last; a++) {
      const b = present ? present[a] : a;
      const cnt = hist[2 * b + 1];
      if (cnt === 0) continue;
      sl += hist[2 * b];
      nl += cnt;
      if (b === lastBin) {
        if (MN > 0 && nl >= minLeaf && MN >= minLeaf) {
          const sc = (sl * sl) / nl + (MS * MS) / MN;
          if (sc > best) {
            best = sc;
            found = true;
            cand.bin = b;
            cand.missLeft = false;
            bestLeft[0] = sl;
            bestLeft[1] = nl;
          }
        }
        break;
      }
      const nr = N - nl;
      if (nl >= minLeaf && nr >= minLeaf) {
        const sr = S - sl;
        const sc = (sl * sl) / nl + (sr * sr) / nr;
        if (sc > best) {
          best = sc;
          found = true;
          cand.bin = b;
          cand.missLeft = MN === 0 ? nl >= nr : false;
          bestLeft[0] = sl;
          bestLeft[1] = nl;
        }
      }
      if (MN > 0) {
        const nlm = nl + MN;
        const nrm = N - nlm;
        if (nlm >= minLeaf && nrm >= minLeaf) {
          const slm = sl + MS;
          const srm = S - slm;
          const sc = (slm * slm) / nlm + (srm * srm) / nrm;
          if (sc > best) {
            best = sc;
            found = true;
            cand.bin = b;
            cand.missLeft = true;
            bestLeft[0] = slm;
            bestLeft[1] = nlm;
          }
        }
      }
    }
    if (found) cand.score = best;
    return found;
  }

  private presentBuf = new Int32Array(SMALL_NODE);

  private tmpPresent(m: number): Int32Array {
    if (this.presentBuf.length < m) this.presentBuf = new Int32Array(m);
    return this.presentBuf;
  }

  private partition(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const { idx, tmp } = this;
    const { codes, rows: n, nBins } = this.bm;
    const col = f * n;
    const miss = nBins[f];
    let l = start;
    let r = 0;
    for (let k = start; k < end; k++) {
      const row = idx[k];
      const c = codes[col + row];
      if (c === miss ? missingLeft : c <= bin) idx[l++] = row;
      else tmp[r++] = row;
    }
    idx.set(tmp.subarray(0, r), l);
    return l;
  }
}
