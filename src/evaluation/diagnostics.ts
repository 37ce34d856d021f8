import type { Matrix } from '../ml/base/matrix.js';
import { confusionMatrix } from '../ml/metrics/confusion-matrix.js';

/** A number safe for JSON and MongoDB: NaN and Infinity become null. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Confusion matrix rows (no arrays inside arrays, so it can be stored as is). */
export interface ConfusionMatrixView {
  labels: Array<number | string>;
  /** one row per true label: counts of each predicted label in `labels` order */
  rows: Array<{ actual: number | string; predicted: number[] }>;
}

/** Counts of true code i predicted as code j; `labels[c]` names code c. */
export function confusionView(yTrue: Float64Array, yPred: Float64Array, labels: Array<number | string>): ConfusionMatrixView {
  const codes = Float64Array.from(labels, (_, c) => c);
  const cm = confusionMatrix(yTrue, yPred, { labels: codes });
  const k = labels.length;
  return {
    labels,
    rows: labels.map((actual, i) => ({ actual, predicted: Array.from(cm.data.subarray(i * k, i * k + k)) })),
  };
}

/** One bin of a calibration curve; empty bins are left out, as in scikit-learn's calibration_curve. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** mean predicted probability in the bin */
  mean_predicted: number;
  /** fraction of positives (binary) or of correct answers (top label) in the bin */
  observed: number;
}

export interface CalibrationView {
  /** 'binary': P(positive) against the fraction positive; 'top_label': the top probability against accuracy (multiclass) */
  kind: 'binary' | 'top_label';
  positive_label: number | string | null;
  bins: CalibrationBin[];
  /** expected calibration error: the count-weighted mean |observed - mean_predicted| */
  ece: number | null;
}

/**
 * The uniform bin of a probability as scikit-learn's calibration_curve puts
 * it: edges at i * (1 / nBins) (numpy's linspace), a value on an inner edge
 * in the lower bin.
 */
function binOf(p: number, nBins: number): number {
  const step = 1 / nBins;
  let b = Math.min(nBins - 1, Math.max(0, Math.floor(p * nBins)));
  while (b > 0 && b * step >= p) b--;
  while (b < nBins - 1 && (b + 1) * step < p) b++;
  return b;
}

/**
 * A binned reliability curve with uniform bins on [0, 1]. Binary models plot
 * the positive class's probability; multiclass ones their top probability
 * against whether the top label was right.
 */
export function calibrationCurve(
  yTrue: Float64Array,
  proba: Matrix,
  options: { positive: number | null; labels: Array<number | string>; bins?: number },
): CalibrationView {
  const nBins = options.bins ?? 10;
  const n = proba.rows;
  const sumP = new Float64Array(nBins);
  const sumY = new Float64Array(nBins);
  const count = new Float64Array(nBins);
  const binary = options.positive !== null;
  for (let i = 0; i < n; i++) {
    let p: number;
    let hit: number;
    if (binary) {
      p = proba.data[i * proba.cols + options.positive!];
      hit = yTrue[i] === options.positive ? 1 : 0;
    } else {
      let best = 0;
      for (let j = 1; j < proba.cols; j++) if (proba.data[i * proba.cols + j] > proba.data[i * proba.cols + best]) best = j;
      p = proba.data[i * proba.cols + best];
      hit = yTrue[i] === best ? 1 : 0;
    }
    if (!(p === p)) continue;
    const b = binOf(p, nBins);
    sumP[b] += p;
    sumY[b] += hit;
    count[b]++;
  }
  const bins: CalibrationBin[] = [];
  let ece = 0;
  let total = 0;
  for (let b = 0; b < nBins; b++) {
    if (count[b] === 0) continue;
    const meanP = sumP[b] / count[b];
    const obs = sumY[b] / count[b];
    bins.push({ lower: b / nBins, upper: (b + 1) / nBins, count: count[b], mean_predicted: meanP, observed: obs });
    ece += count[b] * Math.abs(obs - meanP);
    total += count[b];
  }
  return {
    kind: binary ? 'binary' : 'top_label',
    positive_label: binary ? options.labels[options.positive!] : null,
    bins,
    ece: total > 0 ? ece / total : null,
  };
}

export interface ResidualSummary {
  /** residual = actual - predicted */
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  mean_absolute: number | null;
  quantiles: { p05: number | null; p25: number | null; p50: number | null; p75: number | null; p95: number | null };
  /** 10 equal-width bins between min and max */
  histogram: Array<{ lower: number; upper: number; count: number }>;
}

function quantile(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Residual statistics of a regression (linear-interpolated quantiles, as numpy's default). */
export function residualSummary(yTrue: Float64Array, yPred: Float64Array, bins = 10): ResidualSummary {
  const n = yTrue.length;
  const r = new Float64Array(n);
  let sum = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    r[i] = yTrue[i] - yPred[i];
    sum += r[i];
    abs += Math.abs(r[i]);
  }
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (r[i] - mean) ** 2;
  const sorted = r.slice().sort();
  const min = n ? sorted[0] : NaN;
  const max = n ? sorted[n - 1] : NaN;
  const histogram: ResidualSummary['histogram'] = [];
  if (n) {
    const width = max > min ? (max - min) / bins : 1;
    const counts = new Array<number>(max > min ? bins : 1).fill(0);
    for (let i = 0; i < n; i++) counts[Math.min(counts.length - 1, Math.floor((r[i] - min) / width))]++;
    counts.forEach((count, b) => histogram.push({ lower: min + b * width, upper: counts.length === 1 ? max : min + (b + 1) * width, count }));
  }
  const q = (p: number): number | null => {
    const v = quantile(sorted, p);
    return v === null ? null : finiteOrNull(v);
  };
  return {
    count: n,
    mean: finiteOrNull(mean),
    std: finiteOrNull(Math.sqrt(ss / n)),
    min: finiteOrNull(min),
    max: finiteOrNull(max),
    mean_absolute: finiteOrNull(abs / n),
    quantiles: { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) },
    histogram,
  };
}
