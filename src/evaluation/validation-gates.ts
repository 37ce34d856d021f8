import { getMetric, isMetricName, metricDirection } from '../ml/metrics/registry.js';
import type { BiasSection } from './bias-section.js';

/**
 * Limits the promotion gates apply (config `evaluation.*`). A null limit is
 * not checked.
 */
export interface GateLimits {
  /** aliases whose moves must pass the gates @defaultValue ['production'] */
  gatedAliases: readonly string[];
  /** lowest disparate impact ratio per sensitive feature (the four-fifths rule) @defaultValue 0.8 */
  minDisparateImpactRatio: number | null;
  /** highest demographic parity difference @defaultValue null */
  maxDemographicParityDifference: number | null;
  /** highest equalized odds difference @defaultValue null */
  maxEqualizedOddsDifference: number | null;
}

/** One gate's verdict. */
export interface GateCheck {
  gate: 'evaluation_on_record' | 'primary_metric' | 'disparate_impact_ratio' | 'demographic_parity_difference' | 'equalized_odds_difference';
  passed: boolean;
  message: string;
  value?: number | null;
  limit?: number | null;
  feature?: string;
}

export interface GateReport {
  passed: boolean;
  /** names of the failed gates (with `:feature` for bias gates) */
  failed: string[];
  checks: GateCheck[];
  /** the evaluation the gates read, if any */
  evaluation_id: string | null;
}

/** The metric a version is judged by and the threshold it must reach. */
export interface PrimaryMetric {
  name: string;
  direction: 'maximize' | 'minimize';
  /** monitoring.performance_threshold of the version's config; null when not set */
  threshold: number | null;
}

/**
 * The version's primary metric: `monitoring.metric` of its config when that
 * names a metric of its task, else accuracy (classification), r2
 * (regression) or rmse (time series).
 */
export function primaryMetricOf(task: string, config: unknown): PrimaryMetric {
  const monitoring = ((config as { monitoring?: unknown } | null)?.monitoring ?? {}) as { metric?: unknown; performance_threshold?: unknown };
  const metricTask = task === 'timeseries' ? 'regression' : task;
  const fallback = task === 'classification' ? 'accuracy' : task === 'regression' ? 'r2' : 'rmse';
  const named = typeof monitoring.metric === 'string' && isMetricName(monitoring.metric) && getMetric(monitoring.metric).task === metricTask ? monitoring.metric : fallback;
  const t = monitoring.performance_threshold;
  return { name: named, direction: metricDirection(named), threshold: typeof t === 'number' && Number.isFinite(t) ? t : null };
}

/**
 * The bias evidence of a version: the newest evaluation's report, plus, for
 * each sensitive feature an earlier evaluation of the version reported and
 * the newest did not, the newest earlier report of it (tagged with its
 * evaluation's id). So a gate cannot be passed by an evaluation that simply
 * leaves the sensitive features out. `earlier` is newest first.
 */
export function carriedBias(newest: BiasSection | null, earlier: ReadonlyArray<{ id: string; bias: BiasSection | null }>): BiasSection | null {
  const features: Array<BiasSection['features'][number] & { evaluation_id?: string }> = [...(newest?.features ?? [])];
  const seen = new Set(features.map((f) => f.feature));
  for (const e of earlier) {
    for (const f of e.bias?.features ?? []) {
      if (seen.has(f.feature)) continue;
      seen.add(f.feature);
      features.push({ ...f, evaluation_id: e.id });
    }
  }
  if (!newest && features.length === 0) return null;
  return { ...(newest ?? { positive_label: features[0]?.pos_label ?? null }), features };
}

/** What the gates read from an evaluation. */
export interface GateEvidence {
  id: string | null;
  primaryValue: number | null;
  bias: BiasSection | null;
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'undefined' : String(Number(v.toFixed(4))));

/**
 * Checks an evaluation against the promotion gates: one must exist; its
 * primary metric must reach the threshold (at least it for scores, at most it
 * for errors); each sensitive feature's bias numbers must stay within the
 * limits. Pure, so the evaluate job and the promotion endpoint agree.
 */
export function checkGates(evidence: GateEvidence | null, primary: PrimaryMetric, limits: GateLimits): GateReport {
  const checks: GateCheck[] = [];
  if (!evidence) {
    checks.push({ gate: 'evaluation_on_record', passed: false, message: 'no evaluation of this version on record: run an evaluate job first' });
  } else {
    checks.push({ gate: 'evaluation_on_record', passed: true, message: `evaluation ${evidence.id ?? '(this job)'}` });
    const v = evidence.primaryValue;
    if (primary.threshold === null) {
      checks.push({ gate: 'primary_metric', passed: true, value: v, limit: null, message: `${primary.name} = ${fmt(v)}; no monitoring.performance_threshold is configured` });
    } else {
      const ok = v !== null && (primary.direction === 'maximize' ? v >= primary.threshold : v <= primary.threshold);
      const op = primary.direction === 'maximize' ? '>=' : '<=';
      checks.push({ gate: 'primary_metric', passed: ok, value: v, limit: primary.threshold, message: `${primary.name} = ${fmt(v)}, needs ${op} ${primary.threshold}` });
    }
    for (const f of evidence.bias?.features ?? []) {
      const limit = (gate: GateCheck['gate'], value: number | null, bound: number | null, kind: 'min' | 'max'): void => {
        if (bound === null) return;
        const ok = value !== null && (kind === 'min' ? value >= bound : value <= bound);
        const op = kind === 'min' ? '>=' : '<=';
        const from = (f as { evaluation_id?: string }).evaluation_id;
        const where = from ? ` (from evaluation ${from}: the newest one did not report '${f.feature}')` : '';
        checks.push({ gate, feature: f.feature, passed: ok, value, limit: bound, message: `${gate} for '${f.feature}' = ${fmt(value)}, needs ${op} ${bound}${where}` });
      };
      limit('disparate_impact_ratio', f.disparate_impact_ratio, limits.minDisparateImpactRatio, 'min');
      limit('demographic_parity_difference', f.demographic_parity_difference, limits.maxDemographicParityDifference, 'max');
      limit('equalized_odds_difference', f.equalized_odds_difference, limits.maxEqualizedOddsDifference, 'max');
    }
  }
  const failed = checks.filter((c) => !c.passed).map((c) => (c.feature ? `${c.gate}:${c.feature}` : c.gate));
  return { passed: failed.length === 0, failed, checks, evaluation_id: evidence?.id ?? null };
}
