import { Router } from 'express';
import { z } from 'zod';
import { feedbackRequestSchema, recordFeedback } from '../../monitoring/feedback.js';
import { modelMonitoringView } from '../../monitoring/model-monitoring-view.js';
import { SAMPLE_KINDS } from '../../registry/metric-sample.model.js';
import { notFound } from '../../utils/app-error.js';
import { requireRole } from '../auth.js';
import type { ApiDeps } from '../deps.js';

export const historySchema = z.object({ history: z.coerce.number().int().min(1).max(500).default(20) }).strict();

/**
 * Mounted on /v1/models: feedback (true labels for served predictions), the
 * monitoring view of a model, and an on-demand check (a `monitor` job).
 */
export function modelMonitoringRoutes(deps: ApiDeps): Router {
  const { config, db, jobs } = deps;
  const router = Router();
  const viewer = requireRole(config, 'viewer');
  const operator = requireRole(config, 'operator');

  // the client that predicts (a viewer key) is the one that learns the true labels
  router.post('/:name/feedback', viewer, async (req, res) => {
    const parsed = feedbackRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw parsed.error;
    res.json(await recordFeedback(db, String(req.params.name), parsed.data));
  });

  router.get('/:name/monitoring', viewer, async (req, res) => {
    const parsed = historySchema.safeParse(req.query);
    if (!parsed.success) throw parsed.error;
    res.json(await modelMonitoringView(db, config, String(req.params.name), parsed.data));
  });

  router.post('/:name/monitoring/check', operator, async (req, res) => {
    const name = String(req.params.name);
    if (!(await db.registeredModels.exists({ name }))) throw notFound('model', name);
    const { job } = await jobs.submit({ type: 'monitor', model_name: name });
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });

  return router;
}

/** Series values are stored camelCase; the wire is snake_case. */
function snakeKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

export const seriesQuerySchema = z
  .object({
    kind: z.enum(SAMPLE_KINDS),
    subject: z.string().optional(),
    model: z.string().optional(),
    since: z.coerce.date().optional(),
    until: z.coerce.date().optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict();

/**
 * Mounted on /v1/monitoring: the time series kept in MongoDB, newest first.
 * `kind`: process (CPU, memory, event-loop lag per API/worker process),
 * queue (depth, wait, throughput, failure rate per tick), predict (latency
 * histogram and errors per model version and API process), performance
 * (live metrics per model and check).
 */
export function monitoringRoutes(deps: ApiDeps): Router {
  const { config, db } = deps;
  const router = Router();
  const viewer = requireRole(config, 'viewer');

  router.get('/series', viewer, async (req, res) => {
    const parsed = seriesQuerySchema.safeParse(req.query);
    if (!parsed.success) throw parsed.error;
    const q = parsed.data;
    const filter: Record<string, unknown> = { kind: q.kind };
    if (q.subject) filter.subject = q.subject;
    if (q.model) filter.modelName = q.model;
    if (q.since || q.until) filter.at = { ...(q.since ? { $gte: q.since } : {}), ...(q.until ? { $lte: q.until } : {}) };
    const docs = await db.metricSamples.find(filter).sort({ at: -1 }).limit(q.limit).lean();
    res.json({
      kind: q.kind,
      samples: docs.map((d) => ({
        subject: d.subject,
        at: new Date(d.at).toISOString(),
        role: d.role ?? null,
        model_name: d.modelName ?? null,
        version: d.version ?? null,
        stopped: d.stopped ?? false,
        values: snakeKeys(d.values as Record<string, unknown>),
      })),
    });
  });

  return router;
}
