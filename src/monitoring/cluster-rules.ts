import type { Config } from '../../config/index.js';
import type { Database } from '../registry/database.js';
import type { AlertService } from './alert-service.js';
import type { QueueSample } from './queue-stats.js';

/** How far back worker heartbeats are looked for; older silent workers keep their open alert until acked or resolved. */
const HEARTBEAT_LOOKBACK_MS = 24 * 3_600_000;

/**
 * queue_backlog (waiting jobs at or above monitoring.queue_backlog) and
 * failure_rate (failed share of the jobs finished since the previous tick,
 * given at least failure_min_jobs of them) for each queue.
 */
export async function evaluateQueueRules(alerts: AlertService, config: Config, samples: readonly QueueSample[], now: Date): Promise<void> {
  const m = config.monitoring;
  for (const q of samples) {
    if (q.waiting >= m.queueBacklog) {
      await alerts.raise(
        {
          rule: 'queue_backlog',
          subject: q.name,
          severity: 'warning',
          message: `queue '${q.name}' has ${q.waiting} waiting jobs (threshold ${m.queueBacklog}); oldest waiting ${Math.round(q.oldestWaitSeconds)} s, ${q.workers} workers`,
          value: q.waiting,
          threshold: m.queueBacklog,
          details: { workers: q.workers, active: q.active, oldest_wait_seconds: q.oldestWaitSeconds },
        },
        now,
      );
    } else await alerts.clear('queue_backlog', q.name, now);

    const finished = (q.completedDelta ?? 0) + (q.failedDelta ?? 0);
    if (q.failureRate !== null && finished >= m.failureMinJobs && q.failureRate >= m.failureRate) {
      await alerts.raise(
        {
          rule: 'failure_rate',
          subject: q.name,
          severity: 'critical',
          message: `queue '${q.name}': ${q.failedDelta} of ${finished} jobs failed since the previous tick (threshold ${m.failureRate})`,
          value: q.failureRate,
          threshold: m.failureRate,
          details: { failed: q.failedDelta, finished, interval_seconds: q.intervalSeconds },
        },
        now,
      );
    } else if ((q.failedDelta ?? 0) === 0 || (finished >= m.failureMinJobs && (q.failureRate ?? 0) < m.failureRate)) {
      await alerts.clear('failure_rate', q.name, now);
    }
  }
}

/**
 * worker_silent: a worker process whose last heartbeat (process sample) is
 * older than monitoring.worker_silent_seconds and that did not say it was
 * stopping. A heartbeat clears it.
 */
export async function evaluateWorkerRule(db: Database, alerts: AlertService, config: Config, now: Date): Promise<{ workers: number; silent: string[] }> {
  const silentMs = config.monitoring.workerSilentSeconds * 1000;
  const subjects = (await db.metricSamples.distinct('subject', { kind: 'process', role: 'worker', at: { $gte: new Date(now.getTime() - HEARTBEAT_LOOKBACK_MS) } })) as string[];
  const silent: string[] = [];
  for (const subject of subjects) {
    const last = await db.metricSamples.findOne({ kind: 'process', subject }).sort({ at: -1 }).select({ at: 1, stopped: 1 }).lean();
    if (!last) continue;
    const age = now.getTime() - new Date(last.at).getTime();
    if (!last.stopped && age > silentMs) {
      silent.push(subject);
      await alerts.raise(
        {
          rule: 'worker_silent',
          subject,
          severity: 'critical',
          message: `worker ${subject} has sent no heartbeat for ${Math.round(age / 1000)} s (threshold ${config.monitoring.workerSilentSeconds} s)`,
          value: age / 1000,
          threshold: config.monitoring.workerSilentSeconds,
          details: { last_heartbeat_at: new Date(last.at).toISOString() },
        },
        now,
      );
    } else await alerts.clear('worker_silent', subject, now);
  }
  return { workers: subjects.length, silent };
}

/** The subject of the scheduler's worker_silent alert: no worker at all on the monitoring queue. */
export const NO_MONITORING_WORKER = 'monitoring-queue';

/**
 * worker_silent for the whole monitoring queue, evaluated by the scheduler
 * (the per-worker rule runs inside a tick, so it cannot notice that no
 * worker is left to run ticks): raised when no worker has listened on the
 * queue for monitoring.worker_silent_seconds, cleared when one is back.
 */
export async function evaluateMonitoringWorkers(
  alerts: AlertService,
  config: Config,
  state: { workers: number; lastSeenAt: Date },
  now: Date,
): Promise<boolean> {
  const silentFor = (now.getTime() - state.lastSeenAt.getTime()) / 1000;
  if (state.workers > 0 || silentFor <= config.monitoring.workerSilentSeconds) {
    if (state.workers > 0) await alerts.clear('worker_silent', NO_MONITORING_WORKER, now);
    return false;
  }
  await alerts.raise(
    {
      rule: 'worker_silent',
      subject: NO_MONITORING_WORKER,
      severity: 'critical',
      message: `no worker has listened on the monitoring queue for ${Math.round(silentFor)} s (threshold ${config.monitoring.workerSilentSeconds} s): ticks, model checks and the other alert rules are not running`,
      value: silentFor,
      threshold: config.monitoring.workerSilentSeconds,
      details: { last_seen_at: state.lastSeenAt.toISOString() },
    },
    now,
  );
  return true;
}

/**
 * Forgets a worker for the silence rule (its alert was resolved by hand: the
 * process is gone for good), by writing the `stopped` marker it would have
 * written at a clean shutdown.
 */
export async function forgetWorker(db: Database, subject: string, retentionDays: number, now = new Date()): Promise<void> {
  await db.metricSamples.create({
    key: `process|${subject}|${now.getTime()}|forgotten`,
    kind: 'process',
    subject,
    role: 'worker',
    at: now,
    values: {},
    stopped: true,
    expiresAt: new Date(now.getTime() + retentionDays * 86_400_000),
  });
}
