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

const ALL_VALUES = Number.MAX_VALUE;

/** The best split found for a node. */
interface Split {
  feature: number;
  bin: number;
  missingLeft: boolean;
  /** proxy score Σ S²/N over both sides */
  score: number;
}

/**
 * Grows CART trees for random forests and single decision trees on the
 * binned matrix: gini for classification, squared error for regression.
 * Each node builds histograms of its drawn features only. A bootstrap
 * sample is kept as a weight (draw count) per distinct row, as scikit-learn
 * does, so every count below counts draws.
 *
 * Per bin, channel statistics sit at `hist[bin * C + c]`. With more than two
 * classes C = classes + 1 (a weight per class, then the total); otherwise
 * C = 2: the weighted sum of the target (or of the 0/1 class code, whose
 * squared-error ranking of splits equals gini's) and the total weight.
 * A bitmap of the bins a node touches lets the scan and the clean-up skip
 * empty bins, which deep nodes mostly are.
 */
export class ForestTreeGrower {
  private readonly C: number;
  /** more than two classes: one weight channel per class */
  private readonly multi: boolean;
  private readonly idx: Int32Array;
  private readonly tmp: Int32Array;
  private readonly weight: Float64Array;
  /**
   * Row statistics in node order, aligned with `idx` and moved with it by
   * every partition, so the scans read them sequentially: (w * y, w), or
   * (class code, w) with more than two classes.
   */
  private readonly stat: Float64Array;
  private readonly statTmp: Float64Array;
  /** a histogram kept all-zero between uses */
  private readonly hist: Float64Array;
  private readonly bits = new Int32Array(8);
  private readonly present = new Int32Array(256);
  private readonly left: Float64Array;
  private readonly missing: Float64Array;
  private readonly order: Int32Array;
  private readonly goesLeft = new Uint8Array(256);
  /** each row's class code (more than two classes) */
  private readonly cls: Int32Array;
  /** each row's target: centred value (regression) or 0/1 code (two classes) */
  private readonly target: Float64Array;
  private readonly yShift: number;
  private readonly leaf: number[];

  constructor(
    private readonly bm: BinnedMatrix,
    target: Float64Array,
    private readonly opt: ForestTreeOptions,
  ) {
    this.multi = opt.nClasses > 2;
    this.C = this.multi ? opt.nClasses + 1 : 2;
    this.idx = new Int32Array(bm.rows);
    this.tmp = new Int32Array(bm.rows);
    this.weight = new Float64Array(bm.rows);
    this.stat = new Float64Array(2 * bm.rows);
    this.statTmp = new Float64Array(2 * bm.rows);
    this.hist = new Float64Array(256 * this.C);
    this.left = new Float64Array(this.C);
    this.missing = new Float64Array(this.C);
    this.order = new Int32Array(bm.cols);
    this.leaf = new Array<number>(Math.max(1, opt.nClasses)).fill(0);
    if (this.multi) {
      this.cls = Int32Array.from(target);
      this.target = new Float64Array(0);
      this.yShift = 0;
    } else if (opt.nClasses === 2) {
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
    const { bm, opt, idx, C, target, cls, weight, multi } = this;
    const rng = new Rng(seed);
    const n = bm.rows;
    let m = 0;
    if (opt.bootstrap) {
      weight.fill(0);
      for (let k = 0; k < n; k++) weight[rng.int(n)]++;
      for (let i = 0; i < n; i++) if (weight[i] > 0) idx[m++] = i;
    } else {
      weight.fill(1);
      for (let i = 0; i < n; i++) idx[i] = i;
      m = n;
    }
    const rootStats = new Float64Array(C);
    const stat = this.stat;
    for (let k = 0; k < m; k++) {
      const r = idx[k];
      const w = weight[r];
      if (multi) {
        rootStats[cls[r]] += w;
        stat[2 * k] = cls[r];
      } else {
        rootStats[0] += w * target[r];
        stat[2 * k] = w * target[r];
      }
      stat[2 * k + 1] = w;
      rootStats[C - 1] += w;
    }
    const tree = new TreeBuilder(opt.nClasses > 0 ? opt.nClasses : 1);
    tree.addLeaf(this.leafValue(rootStats));
    const order = this.order;
    for (let j = 0; j < bm.cols; j++) order[j] = j;
    // depth-first, on parallel stacks of plain numbers (no object per node)
    const sId: number[] = [0];
    const sStart: number[] = [0];
    const sEnd: number[] = [m];
    const sDepth: number[] = [0];
    const sStats: number[] = Array.from(rootStats);
    const stats = new Float64Array(C);
    const leftStats = new Float64Array(C);
    const split: Split = { feature: -1, bin: 0, missingLeft: false, score: 0 };
    while (sId.length > 0) {
      const id = sId.pop()!;
      const start = sStart.pop()!;
      const end = sEnd.pop()!;
      const depth = sDepth.pop()!;
      for (let c = C - 1; c >= 0; c--) stats[c] = sStats.pop()!;
      if (!this.findSplit(start, end, depth, stats, rng, split, leftStats)) continue;
      const mid = this.partition(start, end, split.feature, split.bin, split.missingLeft);
      const threshold = split.bin < bm.nBins[split.feature] - 1 ? bm.cuts[split.feature][split.bin] : ALL_VALUES;
      const gain = Math.max(0, split.score - this.score(stats));
      tree.setSplit(id, split.feature, split.bin, threshold, split.missingLeft, gain);
      importance[split.feature] += gain;
      const l = tree.addLeaf(this.leafValue(leftStats));
      // right statistics: parent minus left, staged in `stats`
      for (let c = 0; c < C; c++) stats[c] -= leftStats[c];
      const r = tree.addLeaf(this.leafValue(stats));
      tree.left[id] = l;
      tree.right[id] = r;
      sId.push(r, l);
      sStart.push(mid, start);
      sEnd.push(end, mid);
      sDepth.push(depth + 1, depth + 1);
      for (let c = 0; c < C; c++) sStats.push(stats[c]);
      for (let c = 0; c < C; c++) sStats.push(leftStats[c]);
    }
    return tree;
  }

  private leafValue(stats: Float64Array): number[] | number {
    const K = this.opt.nClasses;
    const count = stats[this.C - 1];
    if (K === 0) return stats[0] / count + this.yShift;
    const v = this.leaf;
    if (K === 2) {
      v[1] = stats[0] / count;
      v[0] = 1 - v[1];
    } else {
      for (let k = 0; k < K; k++) v[k] = stats[k] / count;
    }
    return v;
  }

  /** Σ_c S_c² / W over the value channels: the split-quality proxy of gini and of squared error. */
  private score(s: Float64Array): number {
    const C = this.C;
    let q = 0;
    for (let c = 0; c < C - 1; c++) q += s[c] * s[c];
    return q / s[C - 1];
  }

  private isPure(start: number, end: number, stats: Float64Array): boolean {
    const { C, opt, idx, target } = this;
    const count = stats[C - 1];
    if (this.multi) {
      for (let k = 0; k < C - 1; k++) if (stats[k] === count) return true;
      return false;
    }
    if (opt.nClasses === 2) return stats[0] === 0 || stats[0] === count;
    const first = target[idx[start]];
    for (let k = start + 1; k < end; k++) if (target[idx[k]] !== first) return false;
    return true;
  }

  private findSplit(start: number, end: number, depth: number, stats: Float64Array, rng: Rng, best: Split, bestLeft: Float64Array): boolean {
    const { opt, C, order, bm } = this;
    const count = stats[C - 1];
    if (depth >= opt.maxDepth || count < opt.minSamplesSplit || count < 2 * opt.minSamplesLeaf) return false;
    if (this.isPure(start, end, stats)) return false;
    const p = bm.cols;
    best.feature = -1;
    best.score = -Infinity;
    // draw features without replacement; past featuresPerSplit keep drawing only until some split is valid
    for (let j = 0; j < p; j++) {
      if (j >= opt.featuresPerSplit && best.feature >= 0) break;
      const r = j + rng.int(p - j);
      const f = order[r];
      order[r] = order[j];
      order[j] = f;
      this.evaluateFeature(start, end, f, stats, best, bestLeft);
    }
    return best.feature >= 0;
  }

  /** Histograms feature f over the node's rows and records its best split in `best` if it beats it. */
  private evaluateFeature(start: number, end: number, f: number, total: Float64Array, best: Split, bestLeft: Float64Array): void {
    const { bm, C, idx, stat, hist, bits, missing, multi } = this;
    const col = f * bm.rows;
    const codes = bm.codes;
    const nb = bm.nBins[f];
    bits.fill(0);
    if (multi) {
      for (let k = start; k < end; k++) {
        const code = codes[col + idx[k]];
        const w = stat[2 * k + 1];
        const o = code * C;
        hist[o + stat[2 * k]] += w;
        hist[o + C - 1] += w;
        bits[code >> 5] |= 1 << (code & 31);
      }
    } else {
      for (let k = start; k < end; k++) {
        const code = codes[col + idx[k]];
        const o = code << 1;
        hist[o] += stat[2 * k];
        hist[o + 1] += stat[2 * k + 1];
        bits[code >> 5] |= 1 << (code & 31);
      }
    }
    // the missing bin leaves the list of value bins; its statistics move to `missing`
    const mo = nb * C;
    for (let c = 0; c < C; c++) {
      missing[c] = hist[mo + c];
      hist[mo + c] = 0;
    }
    bits[nb >> 5] &= ~(1 << (nb & 31));
    // value bins present, ascending
    const present = this.present;
    let np = 0;
    for (let w = 0; w < 8; w++) {
      let word = bits[w];
      while (word !== 0) {
        const low = word & -word;
        present[np++] = (w << 5) + 31 - Math.clz32(low);
        word ^= low;
      }
    }
    if (multi) this.scanMulti(f, np, total, best, bestLeft);
    else this.scanTwo(f, np, total, best, bestLeft);
    for (let a = 0; a < np; a++) {
      const o = present[a] * C;
      for (let c = 0; c < C; c++) hist[o + c] = 0;
    }
  }

  /** The split scan with one value channel (regression, two classes): Σ²/W per side. */
  private scanTwo(f: number, np: number, total: Float64Array, best: Split, bestLeft: Float64Array): void {
    const { hist, missing, present } = this;
    const minLeaf = this.opt.minSamplesLeaf;
    const S = total[0];
    const N = total[1];
    const MS = missing[0];
    const MN = missing[1];
    let sl = 0;
    let nl = 0;
    for (let a = 0; a < np; a++) {
      const b = present[a];
      sl += hist[2 * b];
      nl += hist[2 * b + 1];
      if (a === np - 1) {
        // every value left, the missing ones right
        if (MN > 0 && nl >= minLeaf && MN >= minLeaf) {
          const sc = (sl * sl) / nl + (MS * MS) / MN;
          if (sc > best.score) {
            best.score = sc;
            best.feature = f;
            best.bin = b;
            best.missingLeft = false;
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
        if (sc > best.score) {
          best.score = sc;
          best.feature = f;
          best.bin = b;
          // with no missing rows here, unseen missing values follow the heavier side
          best.missingLeft = MN === 0 ? nl >= nr : false;
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
          if (sc > best.score) {
            best.score = sc;
            best.feature = f;
            best.bin = b;
            best.missingLeft = true;
            bestLeft[0] = slm;
            bestLeft[1] = nlm;
          }
        }
      }
    }
  }

  /** The split scan with a weight channel per class: Σ_k c_k²/W per side (gini's proxy). */
  private scanMulti(f: number, np: number, total: Float64Array, best: Split, bestLeft: Float64Array): void {
    const { hist, missing, present, left, C } = this;
    const minLeaf = this.opt.minSamplesLeaf;
    const K = C - 1;
    const N = total[K];
    const MN = missing[K];
    left.fill(0);
    const consider = (withMissing: boolean, missingLeft: boolean, b: number): void => {
      let ql = 0;
      let qr = 0;
      let nl = 0;
      let nr = 0;
      for (let c = 0; c <= K; c++) {
        const l = left[c] + (withMissing ? missing[c] : 0);
        const r = b < 0 ? missing[c] : total[c] - l;
        if (c === K) {
          nl = l;
          nr = r;
        } else {
          ql += l * l;
          qr += r * r;
        }
      }
      if (nl < minLeaf || nr < minLeaf) return;
      const sc = ql / nl + qr / nr;
      if (sc > best.score) {
        best.score = sc;
        best.feature = f;
        best.bin = b < 0 ? -b - 1 : b;
        best.missingLeft = missingLeft;
        for (let c = 0; c <= K; c++) bestLeft[c] = left[c] + (withMissing ? missing[c] : 0);
      }
    };
    for (let a = 0; a < np; a++) {
      const b = present[a];
      const o = b * C;
      for (let c = 0; c < C; c++) left[c] += hist[o + c];
      if (a === np - 1) {
        if (MN > 0) consider(false, false, -b - 1);
        break;
      }
      const nl = left[K];
      consider(false, MN === 0 ? nl >= N - nl : false, b);
      if (MN > 0) consider(true, true, b);
    }
  }

  private partition(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const { idx, tmp, stat, statTmp, goesLeft } = this;
    const { codes, rows: n, nBins } = this.bm;
    const col = f * n;
    const miss = nBins[f];
    for (let c = 0; c <= miss; c++) goesLeft[c] = c === miss ? (missingLeft ? 1 : 0) : c <= bin ? 1 : 0;
    let l = start;
    let r = 0;
    // branch free: each row goes to both sides and only one cursor moves
    for (let k = start; k < end; k++) {
      const row = idx[k];
      const gl = goesLeft[codes[col + row]];
      const s0 = stat[2 * k];
      const s1 = stat[2 * k + 1];
      idx[l] = row;
      stat[2 * l] = s0;
      stat[2 * l + 1] = s1;
      tmp[r] = row;
      statTmp[2 * r] = s0;
      statTmp[2 * r + 1] = s1;
      l += gl;
      r += 1 - gl;
    }
    idx.set(tmp.subarray(0, r), l);
    stat.set(statTmp.subarray(0, 2 * r), 2 * l);
    return l;
  }
}
