import { Gauge } from 'prom-client';
import type { JobQueues } from '../../queues/job-queues.js';
import type { Database } from '../registry/database.js';
import type { Logger } from '../utils/logger.js';
import './predict-metrics.js';
import { readQueue, type QueueNow } from './queue-stats.js';

/** Where the cluster-wide series of GET /metrics come from. */
export interface MetricsSource {
  db: Database;
  queues: JobQueues;
  logger: Logger;
  /** process samples newer than this count as current (a few sample intervals) */
  freshMs: number;
}

let source: MetricsSource | null = null;
let registered = false;

interface Sampled {
  subject: string;
  role?: string | null;
  version?: string | null;
  values: Record<string, unknown>;
  at: Date;
}

/** What one scrape reads; fetched once and shared by the gauges that show it. */
interface Snapshot {
  queues: QueueNow[];
  queueSeries: Sampled[];
  processes: Sampled[];
  alerts: Array<{ rule: string; severity: string }>;
  drift: Array<{ model: string; version: string; share: number }>;
  live: Array<{ model: string; version: string; metric: string; value: number }>;
}

let pending: { at: number; data: Promise<Snapshot | null> } | null = null;

/** Gauges are collected in parallel: they share one snapshot per scrape (reused for a second). */
function snapshot(): Promise<Snapshot | null> {
  const now = Date.now();
  if (!pending || now - pending.at > 1000) pending = { at: now, data: read(source) };
  return pending.data;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The latest sample of each subject of one kind, newer than `since`. */
async function latestByKind(db: Database, kind: string, since: Date): Promise<Sampled[]> {
  const docs = await db.metricSamples.find({ kind, at: { $gte: since } }).sort({ at: -1 }).limit(5000).select({ subject: 1, role: 1, version: 1, values: 1, at: 1 }).lean();
  const seen = new Set<string>();
  const out: Sampled[] = [];
  for (const d of docs) {
    if (seen.has(d.subject)) continue;
    seen.add(d.subject);
    out.push({ subject: d.subject, role: d.role, version: d.version, values: (d.values ?? {}) as Record<string, unknown>, at: d.at });
  }
  return out;
}

async function read(s: MetricsSource | null): Promise<Snapshot | null> {
  if (!s) return null;
  const { db, queues } = s;
  try {
    const now = Date.now();
    // the latest drift and live metric of every model sit on its record (written by its checks): one query, whatever the number of models
    const models = await db.registeredModels.find().select({ name: 1, latestDrift: 1, latestLive: 1 }).limit(10_000).lean();
    const drift: Snapshot['drift'] = [];
    const live: Snapshot['live'] = [];
    for (const m of models) {
      const d = m.latestDrift as { version?: unknown; share?: unknown } | null;
      if (d && num(d.share) !== null) drift.push({ model: m.name, version: String(d.version ?? ''), share: num(d.share)! });
      const l = m.latestLive as { version?: unknown; metric?: unknown; value?: unknown } | null;
      if (l && typeof l.metric === 'string' && num(l.value) !== null) live.push({ model: m.name, version: String(l.version ?? ''), metric: l.metric, value: num(l.value)! });
    }
    const [queueNow, queueSeries, processes, alerts] = await Promise.all([
      Promise.all(queues.all().map((q) => readQueue(q, now))),
      latestByKind(db, 'queue', new Date(now - 86_400_000)),
      latestByKind(db, 'process', new Date(now - s.freshMs)),
      db.alerts.find({ state: { $in: ['open', 'acknowledged'] } }).select({ rule: 1, severity: 1 }).lean(),
    ]);
    return {
      queues: queueNow,
      queueSeries,
      processes,
      alerts: alerts.map((a) => ({ rule: a.rule, severity: a.severity })),
      drift,
      live,
    };
  } catch (err) {
    s.logger.warn({ err }, 'could not collect the cluster metrics');
    return null;
  }
}

/** A gauge whose values are set from the shared snapshot at each scrape. */
function gauge<L extends string>(name: string, help: string, labelNames: readonly L[], fill: (s: Snapshot, set: (labels: Record<L, string>, v: number) => void) => void): void {
  new Gauge({
    name,
    help,
    labelNames,
    async collect() {
      this.reset();
      const s = await snapshot();
      if (s) fill(s, (labels, v) => this.set(labels as never, v));
    },
  });
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;
const PROCESS_LABELS = ['process', 'role'] as const;

/**
 * Registers the cluster series of GET /metrics once per process (prom-client's
 * registry is global): queue depth, workers, oldest wait, throughput, wait
 * time and failure rate; every API and worker process's CPU, memory,
 * event-loop lag and heartbeat age from their MongoDB samples; open alerts;
 * the latest drift share and live metric per model. The prediction latency
 * histogram and request counters come from predict-metrics. The latest
 * call's source wins (tests build several apps in one process).
 */
export function registerClusterMetrics(s: MetricsSource): void {
  source = s;
  pending = null;
  if (registered) return;
  registered = true;

  gauge('trainyard_queue_jobs', 'Jobs per queue and state (waiting includes prioritized)', ['queue', 'state'], (snap, set) => {
    for (const q of snap.queues) for (const state of QUEUE_STATES) set({ queue: q.name, state }, q[state]);
  });
  gauge('trainyard_queue_workers', 'Workers connected to each queue', ['queue'], (snap, set) => {
    for (const q of snap.queues) set({ queue: q.name }, q.workers);
  });
  gauge('trainyard_queue_oldest_waiting_seconds', 'Age of the oldest waiting job per queue', ['queue'], (snap, set) => {
    for (const q of snap.queues) set({ queue: q.name }, q.oldestWaitSeconds);
  });
  const series = (name: string, help: string, field: string): void =>
    gauge(name, help, ['queue'], (snap, set) => {
      for (const q of snap.queueSeries) if (num(q.values[field]) !== null) set({ queue: q.subject }, num(q.values[field])!);
    });
  series('trainyard_queue_throughput_per_second', 'Jobs completed per second between the last two monitoring ticks', 'throughput');
  series('trainyard_queue_failure_rate', 'Failed share of the jobs finished between the last two monitoring ticks', 'failureRate');
  series('trainyard_queue_wait_seconds', 'Mean time from enqueue to start of the jobs finished between the last two monitoring ticks', 'meanWaitSeconds');

  const perProcess = (name: string, help: string, value: (p: Sampled, now: number) => number): void =>
    gauge(name, help, PROCESS_LABELS, (snap, set) => {
      const now = Date.now();
      for (const p of snap.processes) set({ process: p.subject, role: p.role ?? 'unknown' }, value(p, now));
    });
  perProcess('trainyard_process_cpu_ratio', 'CPU seconds per second of each API and worker process over its last sample interval (1 = one core)', (p) => num(p.values.cpu) ?? 0);
  perProcess('trainyard_process_resident_memory_bytes', 'Resident memory of each API and worker process (last sample)', (p) => num(p.values.rssBytes) ?? 0);
  perProcess('trainyard_process_heap_used_bytes', 'V8 heap used by each API and worker process (last sample)', (p) => num(p.values.heapUsedBytes) ?? 0);
  perProcess('trainyard_process_event_loop_lag_seconds', 'p99 event-loop delay of each API and worker process over its last sample interval', (p) => (num(p.values.eventLoopLagP99Ms) ?? 0) / 1000);
  perProcess('trainyard_process_heartbeat_age_seconds', 'Seconds since each API and worker process last sampled itself', (p, now) => (now - new Date(p.at).getTime()) / 1000);

  gauge('trainyard_alerts_open', 'Alerts open or acknowledged, per rule and severity', ['rule', 'severity'], (snap, set) => {
    const counts = new Map<string, { rule: string; severity: string; n: number }>();
    for (const a of snap.alerts) {
      const k = `${a.rule}|${a.severity}`;
      const c = counts.get(k) ?? { rule: a.rule, severity: a.severity, n: 0 };
      c.n++;
      counts.set(k, c);
    }
    for (const c of counts.values()) set({ rule: c.rule, severity: c.severity }, c.n);
  });
  gauge('trainyard_model_drift_share', 'Share of drifted input features in the latest drift check of each model', ['model', 'version'], (snap, set) => {
    for (const d of snap.drift) set({ model: d.model, version: d.version }, d.share);
  });
  gauge('trainyard_model_live_metric', 'Latest live metric of each model from labelled predictions', ['model', 'version', 'metric'], (snap, set) => {
    for (const l of snap.live) set({ model: l.model, version: l.version, metric: l.metric }, l.value);
  });
}
