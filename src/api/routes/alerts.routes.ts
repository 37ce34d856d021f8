import { Router } from 'express';
import { z } from 'zod';
import { AlertService, toAlertView } from '../../monitoring/alert-service.js';
import { ALERT_RULES, ALERT_STATES } from '../../registry/alert.model.js';
import { callerOf, requireRole } from '../auth.js';
import type { ApiDeps } from '../deps.js';

export const alertQuerySchema = z
  .object({
    state: z.enum(ALERT_STATES).optional(),
    rule: z.enum(ALERT_RULES).optional(),
    model: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

/** /v1/alerts: list, show, acknowledge, resolve. Opening is the monitoring checks' business. */
export function alertRoutes(deps: ApiDeps): Router {
  const { config, db, logger } = deps;
  const router = Router();
  const viewer = requireRole(config, 'viewer');
  const operator = requireRole(config, 'operator');
  const alerts = new AlertService(db, { logger, retentionDays: config.monitoring.retentionDays });

  router.get('/', viewer, async (req, res) => {
    const parsed = alertQuerySchema.safeParse(req.query);
    if (!parsed.success) throw parsed.error;
    const { alerts: docs, total } = await alerts.list(parsed.data);
    res.json({ alerts: docs.map(toAlertView), total });
  });

  router.get('/:id', viewer, async (req, res) => {
    res.json(toAlertView(await alerts.get(String(req.params.id))));
  });

  router.post('/:id/ack', operator, async (req, res) => {
    res.json(toAlertView(await alerts.acknowledge(String(req.params.id), callerOf(config, req).who)));
  });

  router.post('/:id/resolve', operator, async (req, res) => {
    res.json(toAlertView(await alerts.resolve(String(req.params.id), `api:${callerOf(config, req).who}`)));
  });

  return router;
}
