import type { Config } from '../../config/index.js';
import type { Database } from '../registry/database.js';
import type { AlertDoc } from '../registry/alert.model.js';
import type { DriftReportDoc } from '../registry/drift-report.model.js';
import { notFound } from '../utils/app-error.js';
import { toAlertView, type AlertView } from './alert-service.js';
import { recentPredictions } from './logged-predictions.js';
import { monitoredVersion, thresholdsOf, type ModelThresholds } from './model-check.js';
import { LATENCY_BOUNDS_MS } from './predict-metrics.js';

/** A drift report on the wire. */
export interface DriftReportView {
  id: string;
  version: string;
  run_key: string;
  trigger: string;
  job_id: string | null;
  at: string;
  status: string;
  window_rows: number;
  window_from: string | null;
  window_to: string | null;
  labeled_rows: number;
  psi_threshold: number;
  drift_share: number;
  n_features: number;
  n_drifted: number;
  share_drifted: number | null;
  drifted: boolean;
  features?: unknown[];
  prediction?: unknown;
  target?: unknown;
  performance?: unknown;
}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function toDriftReportView(r: DriftReportDoc, full: boolean): DriftReportView {
  const view: DriftReportView = {
    id: String(r._id),
    version: r.version,
    run_key: r.runKey,
    trigger: r.trigger,
    job_id: r.jobId ?? null,
    at: iso(r.at)!,
    status: r.status,
    window_rows: r.windowRows,
    window_from: iso(r.windowFrom),
    window_to: iso(r.windowTo),
    labeled_rows: r.labeledRows ?? 0,
    psi_threshold: r.psiThreshold,
    drift_share: r.driftShare,
    n_features: r.nFeatures ?? 0,
    n_drifted: r.nDrifted ?? 0,
    share_drifted: r.shareDrifted ?? null,
    drifted: r.drifted ?? false,
  };
  if (full) Object.assign(view, { features: r.features ?? [], prediction: r.prediction ?? null, target: r.target ?? null, performance: r.performance ?? null });
  return view;
}

/** Latency of served predictions of one version. */
export interface LatencyView {
  version: string;
  /** from the prediction log window */
  predictions: number;
  mean_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** requests per latency bucket (upper bounds in `bounds_ms`, the last is the overflow), from the API processes' samples */
  histogram: number[];
  /** predict requests and failed ones, from the API processes' samples */
  requests: number;
  errors: number;
  error_rate: number | null;
}

export interface ModelMonitoringView {
  model_name: string;
  /** the version the checks watch: `production`, else the latest */
  version: string | null;
  thresholds: { drift_threshold: number; drift_share: number; performance_threshold: number | null; metric: string } | null;
  window: { size: number; hours: number };
  drift: { latest: DriftReportView | null; history: DriftReportView[] };
  performance: { latest: Record<string, unknown> | null; history: Array<Record<string, unknown>> };
  latency: { bounds_ms: readonly number[]; by_version: LatencyView[] };
  alerts: AlertView[];
  /** labels waiting for their prediction to reach the log, and labels dropped because it never did */
  feedback: { pending: number; expired: number };
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * GET /v1/models/:name/monitoring: drift history (latest report in full),
 * live metrics history, latency and error rate per version over the
 * monitoring window, and the model's open or acknowledged alerts.
 */
export async function modelMonitoringView(db: Database, config: Config, modelName: string, options: { history: number }): Promise<ModelMonitoringView> {
  if (!(await db.registeredModels.exists({ name: modelName }))) throw notFound('model', modelName);
  const watched = await monitoredVersion(db, modelName).catch(() => null);
  const limits: ModelThresholds | null = watched ? thresholdsOf(watched, config) : null;
  const since = new Date(Date.now() - config.monitoring.windowHours * 3_600_000);

  const [reports, latest, perf, logged, samples, alerts, pending, model] = await Promise.all([
    db.driftReports.find({ modelName }).sort({ at: -1 }).limit(options.history).select({ features: 0, prediction: 0, target: 0, performance: 0 }).lean<DriftReportDoc[]>(),
    db.driftReports.findOne({ modelName, status: { $in: ['ok', 'drift'] } }).sort({ at: -1 }).lean<DriftReportDoc>(),
    db.metricSamples.find({ kind: 'performance', subject: modelName }).sort({ at: -1 }).limit(options.history).lean(),
    recentPredictions(db, { modelName, withInputs: false }, since, new Date(), config.monitoring.windowSize),
    db.metricSamples.find({ kind: 'predict', modelName, at: { $gte: since } }).select({ version: 1, values: 1 }).lean(),
    db.alerts.find({ modelName, state: { $in: ['open', 'acknowledged'] } }).sort({ openedAt: -1 }).lean<AlertDoc[]>(),
    db.predictionFeedback.countDocuments({ modelName, matched: false }),
    db.registeredModels.findOne({ name: modelName }).select({ feedbackExpired: 1 }).lean(),
  ]);

  const versions = new Set<string>([...logged.map((r) => r.version), ...samples.map((s) => s.version ?? 'unknown')]);
  const byVersion: LatencyView[] = [...versions].sort().map((version) => {
    const ms = logged.filter((r) => r.version === version).map((r) => r.latencyMs).sort((a, b) => a - b);
    const histogram = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    let requests = 0;
    let errors = 0;
    for (const s of samples.filter((x) => (x.version ?? 'unknown') === version)) {
      const v = s.values as { requests?: number; errors?: number; buckets?: number[] };
      requests += v.requests ?? 0;
      errors += v.errors ?? 0;
      (v.buckets ?? []).forEach((c, i) => {
        if (i < histogram.length) histogram[i] += c;
      });
    }
    return {
      version,
      predictions: ms.length,
      mean_ms: ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : null,
      p50_ms: percentile(ms, 0.5),
      p95_ms: percentile(ms, 0.95),
      p99_ms: percentile(ms, 0.99),
      max_ms: ms.length ? ms[ms.length - 1] : null,
      histogram,
      requests,
      errors,
      error_rate: requests > 0 ? errors / requests : null,
    };
  });

  const perfView = perf.map((p) => ({ at: iso(p.at), version: p.version, ...(p.values as Record<string, unknown>) }));
  return {
    model_name: modelName,
    version: watched?.version ?? null,
    thresholds: limits ? { drift_threshold: limits.psi, drift_share: limits.driftShare, performance_threshold: limits.performance, metric: limits.metric } : null,
    window: { size: config.monitoring.windowSize, hours: config.monitoring.windowHours },
    drift: { latest: latest ? toDriftReportView(latest, true) : null, history: reports.map((r) => toDriftReportView(r, false)) },
    performance: { latest: perfView[0] ?? null, history: perfView },
    latency: { bounds_ms: LATENCY_BOUNDS_MS, by_version: byVersion },
    alerts: alerts.map(toAlertView),
    feedback: { pending, expired: model?.feedbackExpired ?? 0 },
  };
}
