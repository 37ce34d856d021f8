import { Router } from 'express';
import { z } from 'zod';
import { cleanupOrphans } from '../../registry/orphan-cleanup.js';
import { requireRole } from '../auth.js';
import type { ApiDeps } from '../deps.js';

export const cleanupSchema = z
  .object({
    /** defaults to config registry.cleanup_grace_minutes */
    grace_minutes: z.number().int().min(0).max(5_256_000).optional(), // at most ten years: any more is no date
    dry_run: z.boolean().optional(),
  })
  .strict();

/** Operations for admins. */
export function adminRoutes(deps: ApiDeps): Router {
  const { config, db } = deps;
  const router = Router();
  const admin = requireRole(config, 'admin');

  /** Removes GridFS files and chunks no record points at (older than the grace period). */
  router.post('/cleanup', admin, async (req, res) => {
    const body = cleanupSchema.parse(req.body ?? {});
    res.json(await cleanupOrphans(db, { graceMinutes: body.grace_minutes ?? config.registry.cleanupGraceMinutes, dryRun: body.dry_run }));
  });

  return router;
}
