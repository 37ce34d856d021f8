import type { Config } from '../../config/index.js';
import { coerceNumber, coerceString } from '../ml/data/table.js';
import { driftReport, type DriftColumns, type DriftProfile, type FeatureDrift } from '../ml/drift/index.js';
import type { Database } from '../registry/database.js';
import { isDuplicateKey } from '../registry/database.js';
import type { DriftReportDoc } from '../registry/drift-report.model.js';
import { resolveVersion } from '../registry/model-registry.js';
import type { ModelVersionDoc } from '../registry/model-version.model.js';
import { storedKey } from '../registry/prediction-log.model.js';
import { loadReferenceProfile } from '../registry/reference-profiles.js';
import type { Logger } from '../utils/logger.js';
import { finiteOrNull, type AlertService } from './alert-service.js';
import { breaches, liveMetrics, watchedMetric, type LiveMetrics } from './live-performance.js';
import { labelsOf, recentPredictions } from './logged-predictions.js';

/** What the monitoring checks need. */
export interface MonitoringContext {
  db: Database;
  config: Config;
  alerts: AlertService;
  logger: Logger;
}

/** Which run of the check this is: one report per model and run key. */
export interface CheckRun {
  modelName: string;
  /** the scheduler's tick, or the job id of an on-demand check */
  runKey: string;
  trigger: 'schedule' | 'on_demand';
  jobId?: string | null;
}

/** ok | drift: a report that can open or clear alerts; the others cannot judge. */
export type CheckStatus = 'ok' | 'drift' | 'insufficient_data' | 'no_reference' | 'not_applicable';

/** The job result of a check (snake_case, as GET /v1/jobs/:id shows it). */
export interface CheckResult {
  model_name: string;
  version: string | null;
  status: CheckStatus;
  report_id: string | null;
  window_rows: number;
  labeled_rows: number;
  n_features: number;
  n_drifted: number;
  share_drifted: number | null;
  drifted_features: string[];
  prediction_drifted: boolean | null;
  /** the drift rule that fired, null without drift */
  drift_rule: DriftRule | null;
  target_drifted: boolean | null;
  performance: { metric: string; value: number | null; threshold: number | null; breached: boolean } | null;
  /** false when another run already stored the report for this run key (it did the alerting) */
  stored: boolean;
}

/** The thresholds one model is checked against: its config's monitoring block, else the cluster's. */
export interface ModelThresholds {
  psi: number;
  driftShare: number;
  performance: number | null;
  metric: string;
}

export function thresholdsOf(doc: Pick<ModelVersionDoc, 'config' | 'task'>, config: Config): ModelThresholds {
  const m = ((doc.config as { monitoring?: Record<string, unknown> } | null)?.monitoring ?? {}) as Record<string, unknown>;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    psi: num(m.drift_threshold) ?? config.monitoring.driftThreshold,
    driftShare: config.monitoring.driftShare,
    performance: num(m.performance_threshold) ?? config.monitoring.performanceThreshold,
    metric: watchedMetric(doc.task, m.metric),
  };
}

/** The version a check watches: the `production` alias, else the latest ready version. */
export function monitoredVersion(db: Database, modelName: string): Promise<ModelVersionDoc> {
  return resolveVersion(db, modelName, {});
}

/** A logged prediction as a check reads it. */
interface WindowRow {
  input: Record<string, unknown> | null;
  prediction: unknown;
  probabilities?: number[] | null;
  label: unknown;
  createdAt: Date;
}

/** The most recent logged predictions of a version with their labels (null until feedback came): at most window_size, none older than window_hours. */
export async function readWindow(db: Database, config: Config, modelName: string, version: string, now: Date): Promise<WindowRow[]> {
  const since = new Date(now.getTime() - config.monitoring.windowHours * 3_600_000);
  const rows = await recentPredictions(db, { modelName, version }, since, now, config.monitoring.windowSize);
  const labels = await labelsOf(db, modelName, rows.map((r) => r.id));
  return rows.map((r) => ({ input: r.input, prediction: r.prediction, probabilities: r.probabilities ?? null, label: labels.get(r.id) ?? null, createdAt: r.createdAt }));
}

/** The logged value of a feature, under the key the log stored it as. */
function inputValue(input: Record<string, unknown> | null, feature: string): unknown {
  if (!input) return null;
  if (Object.hasOwn(input, feature)) return input[feature];
  return input[storedKey(feature)] ?? null;
}

function numericColumn(values: unknown[]): Float64Array {
  return Float64Array.from(values, (v) => {
    const x = coerceNumber(v);
    return x === undefined ? NaN : x;
  });
}

function categoryColumn(values: unknown[]): Array<string | null> {
  return values.map((v) => coerceString(v) ?? null);
}

/** The window's columns for the profile's features, typed as the profile expects. */
function columnsFor(profile: DriftProfile, column: (feature: string) => unknown[]): DriftColumns {
  const out: DriftColumns = {};
  for (const f of profile.features) out[f.feature] = f.kind === 'numeric' ? numericColumn(column(f.feature)) : categoryColumn(column(f.feature));
  return out;
}

/** Plain JSON for MongoDB: NaN and infinities become null. */
function storable<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))) as T;
}

/** Which drift rule fired: `share` (the drifted share of features reached drift_share) or `feature_and_prediction`. */
export type DriftRule = 'share' | 'feature_and_prediction';

/**
 * The drift rule: at least one feature past the PSI threshold, and either
 * the drifted share of the features at least `driftShare`, or the model's
 * predictions drifted too (two features far off and drifted predictions
 * mean drift even among many features). Null: no drift.
 */
export function driftRule(nDrifted: number, shareDrifted: number, predictionDrifted: boolean, driftShare: number): DriftRule | null {
  if (nDrifted === 0) return null;
  if (shareDrifted >= driftShare) return 'share';
  return predictionDrifted ? 'feature_and_prediction' : null;
}

/**
 * One drift and live-performance check of a model: the watched version's
 * recent logged predictions against its reference profile (inputs,
 * predictions and, once labelled, the target), the live metric of the
 * labelled ones, a stored report, and the drift and performance alerts
 * opened or cleared accordingly.
 */
export async function runModelCheck(ctx: MonitoringContext, run: CheckRun, now = new Date()): Promise<CheckResult> {
  const { db, config, alerts } = ctx;
  const doc = await monitoredVersion(db, run.modelName);
  const base: CheckResult = {
    model_name: run.modelName,
    version: doc.version,
    status: 'not_applicable',
    report_id: null,
    window_rows: 0,
    labeled_rows: 0,
    n_features: 0,
    n_drifted: 0,
    share_drifted: null,
    drifted_features: [],
    prediction_drifted: null,
    drift_rule: null,
    target_drifted: null,
    performance: null,
    stored: false,
  };
  if (doc.task === 'timeseries') return base;

  const limits = thresholdsOf(doc, config);
  const [reference, rows] = await Promise.all([loadReferenceProfile(db, run.modelName, doc.version), readWindow(db, config, run.modelName, doc.version, now)]);
  const labeled = rows.filter((r) => r.label !== null && r.label !== undefined);
  const options = { psiThreshold: limits.psi };

  let status: CheckStatus;
  let features: FeatureDrift[] = [];
  let prediction: FeatureDrift | null = null;
  let target: FeatureDrift | null = null;
  let share: number | null = null;
  let rule: DriftRule | null = null;
  if (!reference) status = 'no_reference';
  else if (rows.length < config.monitoring.minWindowRows) status = 'insufficient_data';
  else {
    const report = driftReport(reference.features, columnsFor(reference.features, (f) => rows.map((r) => inputValue(r.input, f))), options);
    features = report.features;
    share = report.share_drifted;
    if (reference.prediction) prediction = driftReport(reference.prediction, columnsFor(reference.prediction, () => rows.map((r) => r.prediction)), options).features[0];
    if (reference.target && labeled.length >= config.monitoring.minLabeledRows) {
      target = driftReport(reference.target, columnsFor(reference.target, () => labeled.map((r) => r.label)), options).features[0];
    }
    rule = driftRule(report.n_drifted, report.share_drifted, prediction?.drifted === true, limits.driftShare);
    status = rule ? 'drift' : 'ok';
  }

  let live: LiveMetrics | null = null;
  if (labeled.length >= config.monitoring.minLabeledRows) {
    live = liveMetrics(doc.task, (doc.classes as Array<number | string> | null) ?? null, labeled, watchedMetric(doc.task, limits.metric));
  }
  const breached = live?.value !== null && live?.value !== undefined && limits.performance !== null ? breaches(live.value, limits.performance, live.greaterIsBetter) : false;
  const performance = live
    ? { metric: live.metric, value: finiteOrNull(live.value), threshold: limits.performance, greater_is_better: live.greaterIsBetter, breached, labeled_rows: live.labeledRows, metrics: live.metrics }
    : null;

  const times = rows.map((r) => new Date(r.createdAt).getTime());
  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.feature);
  const expiresAt = new Date(now.getTime() + config.monitoring.retentionDays * 86_400_000);
  let reportId: string;
  try {
    const created = await db.driftReports.create(
      storable({
        modelName: run.modelName,
        version: doc.version,
        runKey: run.runKey,
        trigger: run.trigger,
        jobId: run.jobId ?? null,
        at: now,
        status,
        windowRows: rows.length,
        windowFrom: times.length ? new Date(Math.min(...times)) : null,
        windowTo: times.length ? new Date(Math.max(...times)) : null,
        labeledRows: labeled.length,
        psiThreshold: limits.psi,
        driftShare: limits.driftShare,
        nFeatures: features.length,
        nDrifted: driftedFeatures.length,
        shareDrifted: share,
        drifted: status === 'drift',
        driftRule: rule,
        features,
        prediction,
        target,
        performance,
        expiresAt,
      }),
    );
    reportId = String(created._id);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await db.driftReports.findOne({ modelName: run.modelName, runKey: run.runKey }).lean<DriftReportDoc>();
    return { ...summaryOf(existing!), stored: false };
  }
  // what /metrics shows per model, on the model's own record (one query per scrape for all models)
  const latest: Record<string, unknown> = {};
  if (share !== null) latest.latestDrift = { version: doc.version, share, at: now };
  if (live && finiteOrNull(live.value) !== null) latest.latestLive = { version: doc.version, metric: live.metric, value: live.value, at: now };
  if (Object.keys(latest).length) await db.registeredModels.updateOne({ name: run.modelName }, { $set: latest });
  if (live) {
    await db.metricSamples
      .create(
        storable({
          key: `performance|${run.modelName}|${run.runKey}`,
          kind: 'performance',
          subject: run.modelName,
          modelName: run.modelName,
          version: doc.version,
          at: now,
          values: { metric: live.metric, value: live.value, threshold: limits.performance, labeled_rows: live.labeledRows, ...live.metrics },
          expiresAt,
        }),
      )
      .catch((err) => {
        if (!isDuplicateKey(err)) throw err;
      });
  }

  if (status === 'drift') {
    await alerts.raise(
      {
        rule: 'drift',
        subject: run.modelName,
        modelName: run.modelName,
        severity: 'warning',
        message:
          `inputs of model '${run.modelName}' v${doc.version} drifted: ${driftedFeatures.length} of ${features.length} features (${driftedFeatures.join(', ')}) have PSI above ${limits.psi}` +
          (rule === 'feature_and_prediction' ? `, and so do its predictions (PSI ${prediction!.psi!.toFixed(3)})` : `, a share of at least ${limits.driftShare}`),
        value: share,
        threshold: limits.driftShare,
        details: {
          version: doc.version,
          rule,
          drifted_features: driftedFeatures,
          n_features: features.length,
          psi_threshold: limits.psi,
          prediction_drifted: prediction?.drifted ?? null,
          prediction_psi: prediction ? finiteOrNull(prediction.psi) : null,
          window_rows: rows.length,
          report_id: reportId,
        },
      },
      now,
    );
  } else if (status === 'ok') await alerts.clear('drift', run.modelName, now);

  if (performance && limits.performance !== null && performance.value !== null) {
    if (breached) {
      await alerts.raise(
        {
          rule: 'performance',
          subject: run.modelName,
          modelName: run.modelName,
          severity: 'critical',
          message: `live ${performance.metric} of model '${run.modelName}' v${doc.version} is ${round(performance.value)}, ${performance.greater_is_better ? 'below' : 'above'} the threshold ${limits.performance} (${performance.labeled_rows} labelled predictions)`,
          value: performance.value,
          threshold: limits.performance,
          details: { version: doc.version, metric: performance.metric, labeled_rows: performance.labeled_rows, report_id: reportId },
        },
        now,
      );
    } else await alerts.clear('performance', run.modelName, now);
  }

  return {
    ...base,
    status,
    report_id: reportId,
    window_rows: rows.length,
    labeled_rows: labeled.length,
    n_features: features.length,
    n_drifted: driftedFeatures.length,
    share_drifted: share,
    drifted_features: driftedFeatures,
    prediction_drifted: prediction ? prediction.drifted : null,
    drift_rule: rule,
    target_drifted: target ? target.drifted : null,
    performance: performance ? { metric: performance.metric, value: performance.value, threshold: limits.performance, breached } : null,
    stored: true,
  };
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

function summaryOf(r: DriftReportDoc): CheckResult {
  const features = (r.features ?? []) as Array<{ feature: string; drifted: boolean }>;
  const perf = r.performance as { metric: string; value: number | null; threshold: number | null; breached: boolean } | null;
  return {
    model_name: r.modelName,
    version: r.version,
    status: r.status as CheckStatus,
    report_id: String(r._id),
    window_rows: r.windowRows,
    labeled_rows: r.labeledRows ?? 0,
    n_features: r.nFeatures ?? 0,
    n_drifted: r.nDrifted ?? 0,
    share_drifted: r.shareDrifted ?? null,
    drifted_features: features.filter((f) => f.drifted).map((f) => f.feature),
    prediction_drifted: (r.prediction as { drifted?: boolean } | null)?.drifted ?? null,
    drift_rule: (r.driftRule as DriftRule | null | undefined) ?? null,
    target_drifted: (r.target as { drifted?: boolean } | null)?.drifted ?? null,
    performance: perf ? { metric: perf.metric, value: perf.value, threshold: perf.threshold, breached: perf.breached } : null,
    stored: false,
  };
}
