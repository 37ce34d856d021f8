import { Counter, Histogram } from 'prom-client';

/** Upper bounds (milliseconds) of the prediction latency histogram, Prometheus's and MongoDB's alike. */
export const LATENCY_BOUNDS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

/** One predict request as serving saw it. */
export interface PredictionObservation {
  modelName: string;
  /** the version that answered; null when the request failed before one was chosen */
  version: string | null;
  /** wall time of the request in milliseconds */
  latencyMs: number;
  /** instances predicted (1 for a horizon) */
  instances?: number;
  /** false when the request failed (a 4xx/5xx answer) */
  ok: boolean;
}

/** Latency and error counts of one model version in this process since the last drain. */
export interface PredictStats {
  modelName: string;
  version: string;
  requests: number;
  errors: number;
  instances: number;
  sumMs: number;
  maxMs: number;
  /** requests per latency bucket (not cumulative), one more than LATENCY_BOUNDS_MS for the overflow */
  buckets: number[];
}

const latency = new Histogram({
  name: 'trainyard_predict_latency_seconds',
  help: 'Prediction request latency per model version (this API process)',
  labelNames: ['model', 'version'] as const,
  buckets: LATENCY_BOUNDS_MS.map((ms) => ms / 1000),
});
const requests = new Counter({
  name: 'trainyard_predict_requests_total',
  help: 'Prediction requests per model version and outcome (ok or error) (this API process)',
  labelNames: ['model', 'version', 'outcome'] as const,
});
const instances = new Counter({
  name: 'trainyard_predict_instances_total',
  help: 'Instances predicted per model version (this API process)',
  labelNames: ['model', 'version'] as const,
});

const pending = new Map<string, PredictStats>();

function bucketOf(ms: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[i]) i++;
  return i;
}

/**
 * Serving calls this once per predict request, answered or failed: it feeds
 * the Prometheus latency histogram and request counters of GET /metrics, and
 * the per-version latency and error series the process sampler writes to
 * MongoDB (GET /v1/models/:name/monitoring).
 */
export function observePrediction(o: PredictionObservation): void {
  const version = o.version ?? 'unknown';
  const ms = Number.isFinite(o.latencyMs) && o.latencyMs >= 0 ? o.latencyMs : 0;
  const n = o.instances ?? 1;
  latency.observe({ model: o.modelName, version }, ms / 1000);
  requests.inc({ model: o.modelName, version, outcome: o.ok ? 'ok' : 'error' });
  if (o.ok) instances.inc({ model: o.modelName, version }, n);
  const key = `${o.modelName}\u0000${version}`;
  let s = pending.get(key);
  if (!s) {
    s = { modelName: o.modelName, version, requests: 0, errors: 0, instances: 0, sumMs: 0, maxMs: 0, buckets: new Array(LATENCY_BOUNDS_MS.length + 1).fill(0) };
    pending.set(key, s);
  }
  s.requests++;
  if (!o.ok) s.errors++;
  else s.instances += n;
  s.sumMs += ms;
  s.maxMs = Math.max(s.maxMs, ms);
  s.buckets[bucketOf(ms)]++;
}

/** The stats gathered since the last drain, per model version; resets them. */
export function drainPredictStats(): PredictStats[] {
  const out = [...pending.values()];
  pending.clear();
  return out;
}
