import { METRICS, isMetricName, type MetricName } from '../ml/metrics/index.js';

/** A logged prediction with its true label. */
export interface LabeledPrediction {
  prediction: unknown;
  probabilities?: number[] | null;
  label: unknown;
}

/** Live metrics of the labelled predictions of one window. */
export interface LiveMetrics {
  /** the metric the performance rule watches */
  metric: MetricName;
  value: number | null;
  /** higher is better (scores) or lower (errors, losses) */
  greaterIsBetter: boolean;
  labeledRows: number;
  /** every metric computed, by name (null where undefined for the data) */
  metrics: Record<string, number | null>;
}

const CLASSIFICATION_METRICS: MetricName[] = ['accuracy', 'balanced_accuracy', 'f1'];
const REGRESSION_METRICS: MetricName[] = ['mae', 'rmse', 'r2'];

/** The metric the performance rule watches: the model's `monitoring.metric`, else accuracy or r2. */
export function watchedMetric(task: string, configured: unknown): MetricName {
  if (typeof configured === 'string' && isMetricName(configured) && METRICS[configured].task === (task === 'classification' ? 'classification' : 'regression')) {
    return configured;
  }
  return task === 'classification' ? 'accuracy' : 'r2';
}

function safe(fn: () => number | null): number | null {
  try {
    const v = fn();
    return v !== null && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * Scores labelled predictions with the scikit-learn-named metrics. Labels of
 * a classifier are matched to its classes as text ("1" and 1 are the same
 * class); a label the model never saw counts as a miss.
 */
export function liveMetrics(task: string, classes: ReadonlyArray<number | string> | null, rows: readonly LabeledPrediction[], metric: MetricName): LiveMetrics {
  const spec = METRICS[metric];
  const names = [...new Set<MetricName>([...(task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS), metric])];
  const out: Record<string, number | null> = {};
  if (task === 'classification') {
    const codes = new Map<string, number>();
    (classes ?? []).forEach((c, i) => codes.set(String(c), i));
    const unseen = new Map<string, number>();
    const code = (v: unknown): number => {
      const key = String(v);
      const known = codes.get(key);
      if (known !== undefined) return known;
      if (!unseen.has(key)) unseen.set(key, codes.size + unseen.size);
      return unseen.get(key)!;
    };
    const yTrue = Float64Array.from(rows, (r) => code(r.label));
    const yPred = Float64Array.from(rows, (r) => code(r.prediction));
    const k = codes.size;
    const withProba = k > 0 && unseen.size === 0 && rows.every((r) => Array.isArray(r.probabilities) && r.probabilities.length === k);
    const proba = withProba ? { rows: rows.length, cols: k, data: Float64Array.from(rows.flatMap((r) => r.probabilities as number[])) } : undefined;
    const allClasses = Float64Array.from({ length: k + unseen.size }, (_, i) => i);
    for (const name of names) {
      const m = METRICS[name];
      if (m.needsProba && !proba) out[name] = null;
      else out[name] = safe(() => m.compute({ yTrue, yPred, proba, classes: unseen.size ? allClasses : Float64Array.from({ length: k }, (_, i) => i) }));
    }
  } else {
    const yTrue = Float64Array.from(rows, (r) => Number(r.label));
    const yPred = Float64Array.from(rows, (r) => Number(r.prediction));
    const finite = yTrue.every(Number.isFinite) && yPred.every(Number.isFinite);
    for (const name of names) out[name] = finite ? safe(() => METRICS[name].compute({ yTrue, yPred })) : null;
  }
  return { metric, value: out[metric] ?? null, greaterIsBetter: spec.greaterIsBetter, labeledRows: rows.length, metrics: out };
}

/** True when the value is worse than the threshold: below it for scores, above it for errors and losses. */
export function breaches(value: number, threshold: number, greaterIsBetter: boolean): boolean {
  return greaterIsBetter ? value < threshold : value > threshold;
}
