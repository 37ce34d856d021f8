import type { JobQueues } from '../../queues/job-queues.js';
import type { MonitorJob } from '../../queues/job-schemas.js';
import { evaluateQueueRules, evaluateWorkerRule } from './cluster-rules.js';
import { expirePendingFeedback } from './feedback.js';
import type { MonitoringContext } from './model-check.js';
import { recordQueueHealth } from './queue-health.js';
import { recordQueueSamples } from './queue-stats.js';

/** The scheduler's per-tick job payload. */
export interface TickJob {
  type: 'tick';
  /** the tick's time, ISO, seconds precision */
  tick: string;
  /** the scheduler that enqueued it (the first of several) */
  scheduler: string;
}

export interface TickResult {
  tick: string;
  /** false when another run already wrote this tick's snapshot */
  snapshot: boolean;
  queues: number;
  workers: number;
  silent_workers: string[];
  /** model checks queued for this tick (job ids) */
  checks: string[];
  /** models with nothing new since their last check */
  checks_skipped: number;
  /** models whose previous check was still waiting or running */
  checks_coalesced: number;
  pruned: Record<string, number>;
}

/** BullMQ job ids may not contain ':'; model names cannot either. */
export function checkJobId(modelName: string, tick: string): string {
  return `monitor-${modelName}-${new Date(tick).getTime()}`;
}

/**
 * Everything the cluster checks once per tick, whichever worker runs it:
 * the queue snapshot and series, queue and worker alert rules, one drift and
 * performance check job per model (job ids derived from the tick, reports
 * unique per model and tick), and pruning of expired series, reports,
 * resolved alerts and logged predictions (FerretDB has no TTL indexes).
 */
export async function runTick(ctx: MonitoringContext & { queues: JobQueues }, job: TickJob, now = new Date()): Promise<TickResult> {
  const { db, config, alerts, queues } = ctx;
  const samples = await recordQueueSamples(db, queues, job.tick, new Date(job.tick), config.monitoring.retentionDays);
  await evaluateQueueRules(alerts, config, samples, now);
  const workers = await evaluateWorkerRule(db, alerts, config, now);
  const checks = await queueModelChecks(ctx, job.tick, now);
  const pruned = await prune(ctx, now);
  // last, so a snapshot marks a finished tick
  const { written } = await recordQueueHealth(db, queues, job.tick, job.scheduler, config.scheduler.snapshotTtlDays);
  return {
    tick: job.tick,
    snapshot: written,
    queues: samples.length,
    workers: workers.workers,
    silent_workers: workers.silent,
    checks: checks.queued,
    checks_skipped: checks.skipped,
    checks_coalesced: checks.coalesced,
    pruned,
  };
}

/** A model's activity marks (src/registry/model-activity.ts) as the tick reads them. */
interface ModelMarks {
  lastPredictionAt?: Date | null;
  lastFeedbackAt?: Date | null;
  lastScheduledCheckAt?: Date | null;
}

/**
 * Whether a model's scheduled check could say anything new: predictions or
 * labels written since its last check started, no check yet, or the last
 * one older than `fullCheckMs` (the window ages, the watched version may
 * have moved).
 */
export function checkDue(m: ModelMarks, now: Date, fullCheckMs: number): boolean {
  const last = m.lastScheduledCheckAt?.getTime();
  if (last === undefined) return true;
  if (now.getTime() - last >= fullCheckMs) return true;
  return (m.lastPredictionAt?.getTime() ?? -Infinity) > last || (m.lastFeedbackAt?.getTime() ?? -Infinity) > last;
}

/**
 * One check job per registered model with something new since its last
 * check (time series have no inputs to drift). A model whose check is
 * still waiting or running is not queued again (BullMQ deduplication by
 * model), so a slow tick never piles checks up; the checks are spread over
 * `check_spread_seconds` instead of all starting at once. Scheduled checks
 * get no job record: one per model and tick would bury the users' jobs in
 * GET /v1/jobs; their outcome is the drift report, and their failures count
 * in the monitoring queue's failure rate.
 */
async function queueModelChecks(ctx: MonitoringContext & { queues: JobQueues }, tick: string, now: Date): Promise<{ queued: string[]; skipped: number; coalesced: number }> {
  const { db, queues, config } = ctx;
  const models = await db.registeredModels
    .find({ task: { $ne: 'timeseries' } })
    .select({ name: 1, lastPredictionAt: 1, lastFeedbackAt: 1, lastScheduledCheckAt: 1 })
    .sort({ name: 1 })
    .lean();
  const due = models.filter((m) => checkDue(m, now, config.monitoring.fullCheckMinutes * 60_000));
  const queue = queues.get('monitoring');
  const spreadMs = config.monitoring.checkSpreadSeconds * 1000;
  const queued: string[] = [];
  let coalesced = 0;
  for (const [i, m] of due.entries()) {
    const id = checkJobId(m.name, tick);
    const spec: MonitorJob = { type: 'monitor', model_name: m.name, tick };
    const job = await queue.add('monitor', spec, {
      jobId: id,
      attempts: 2,
      deduplication: { id: `monitor-${m.name}` },
      delay: due.length > 1 ? Math.floor((i * spreadMs) / due.length) : 0,
    });
    if (job.id === id) queued.push(id);
    else coalesced++;
  }
  return { queued, skipped: models.length - due.length, coalesced };
}

async function prune(ctx: MonitoringContext, now: Date): Promise<Record<string, number>> {
  const { db } = ctx;
  const expired = { expiresAt: { $lt: now } };
  const logCutoff = new Date(now.getTime() - ctx.config.monitoring.retentionDays * 86_400_000);
  const models = (await db.registeredModels.find().select({ name: 1 }).lean()).map((m) => m.name);
  const [samples, reports, alerts, ...logs] = await Promise.all([
    db.metricSamples.deleteMany(expired),
    db.driftReports.deleteMany(expired),
    db.alerts.deleteMany({ state: 'resolved', ...expired }),
    // per model, so the (modelName, to) and (modelName, labeledAt) indexes serve it
    ...models.map((modelName) => db.predictionLog.deleteMany({ modelName, to: { $lt: logCutoff } })),
    ...models.map((modelName) => db.predictionFeedback.deleteMany({ modelName, labeledAt: { $lt: logCutoff } })),
  ]);
  const pendingCutoff = new Date(now.getTime() - ctx.config.monitoring.feedbackPendingHours * 3_600_000);
  let feedbackExpired = 0;
  for (const modelName of models) feedbackExpired += await expirePendingFeedback(db, modelName, pendingCutoff);
  return {
    metric_samples: samples.deletedCount,
    drift_reports: reports.deletedCount,
    alerts: alerts.deletedCount,
    prediction_log_buckets: logs.slice(0, models.length).reduce((n, r) => n + r.deletedCount, 0),
    prediction_feedback: logs.slice(models.length).reduce((n, r) => n + r.deletedCount, 0),
    prediction_feedback_expired: feedbackExpired,
  };
}
