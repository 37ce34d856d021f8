import { Router } from 'express';
import { z } from 'zod';
import { promote } from '../../evaluation/promotion.js';
import { aliasHistory, getAlias, previousVersion, toAliasView } from '../../registry/alias-service.js';
import { datasetLineage, versionLineage } from '../../registry/lineage.js';
import { findVersion } from '../../registry/model-registry.js';
import { compareVersions } from '../../registry/version-compare.js';
import { deleteVersion, modelPatchSchema, updateModel, updateVersion, versionPatchSchema } from '../../registry/version-lifecycle.js';
import { AppError, notFound } from '../../utils/app-error.js';
import { callerOf, hasRole, requireRole } from '../auth.js';
import type { ApiDeps } from '../deps.js';

export const aliasPutSchema = z
  .object({
    version: z.union([z.string().min(1), z.number()]).transform(String),
    reason: z.string().max(2000).optional(),
    force: z.boolean().optional(),
  })
  .strict();

export const rollbackSchema = z.object({ reason: z.string().max(2000).optional(), force: z.boolean().optional() }).strict();

/**
 * The registry beyond listing and predicting: description and tags, aliases
 * with their history and gated promotion, lineage both ways, comparison,
 * archive and delete, artifact download (sha256 verified).
 */
export function registryRoutes(deps: ApiDeps): Router {
  const { config, db, models } = deps;
  /** lets every API process forget its cached name/alias -> version lookups */
  const changed = (name: string): Promise<void> => models.modelChanged(name);
  const router = Router();
  const viewer = requireRole(config, 'viewer');
  const operator = requireRole(config, 'operator');
  const admin = requireRole(config, 'admin');
  const limits = config.evaluation;
  const param = (v: unknown): string => String(v);

  router.patch('/models/:name', operator, async (req, res) => {
    const body = modelPatchSchema.parse(req.body ?? {});
    res.json(await updateModel(db, param(req.params.name), body));
  });

  router.patch('/models/:name/versions/:version', operator, async (req, res) => {
    const body = versionPatchSchema.parse(req.body ?? {});
    if (body.status && !hasRole(config, req, 'admin')) throw new AppError('forbidden', 'changing a version\'s status (archiving removes its artifact) needs the admin role');
    const view = await updateVersion(db, param(req.params.name), param(req.params.version), body);
    if (body.status) await changed(view.model_name);
    res.json(view);
  });

  router.delete('/models/:name/versions/:version', admin, async (req, res) => {
    const out = await deleteVersion(db, param(req.params.name), param(req.params.version));
    await changed(out.model_name);
    res.json(out);
  });

  router.get('/models/:name/versions/:version/lineage', viewer, async (req, res) => {
    res.json(await versionLineage(db, param(req.params.name), param(req.params.version)));
  });

  router.get('/models/:name/versions/:version/evaluations', viewer, async (req, res) => {
    const doc = await findVersion(db, param(req.params.name), param(req.params.version));
    const rows = await db.evaluations.find({ modelName: doc.modelName, version: doc.version }).sort({ createdAt: -1 }).limit(50).lean();
    res.json({
      evaluations: rows.map((e) => ({ id: String(e._id), job_id: e.jobId, created_at: (e as { createdAt?: Date }).createdAt?.toISOString() ?? null, ...(e.report as object) })),
    });
  });

  /** The model file, gzip'd pipeline JSON, served only when its bytes hash to the recorded sha256. */
  router.get('/models/:name/versions/:version/artifact', viewer, async (req, res) => {
    const doc = await findVersion(db, param(req.params.name), param(req.params.version));
    if (doc.status === 'archived') throw new AppError('conflict', `version '${doc.version}' of model '${doc.modelName}' is archived: its artifact was removed`);
    const bytes = await db.artifacts.get(String(doc.artifact.fileId), doc.artifact.sha256);
    res
      .set({
        'Content-Type': 'application/gzip',
        'Content-Disposition': `attachment; filename="${doc.modelName}-${doc.version}.model.json.gz"`,
        'X-Artifact-SHA256': doc.artifact.sha256,
        'X-Artifact-Format': doc.artifact.format,
      })
      .send(bytes);
  });

  router.get('/models/:name/compare', viewer, async (req, res) => {
    const raw = req.query.versions;
    if (typeof raw !== 'string' || !raw.trim()) throw new AppError('validation_failed', 'give the versions to compare: ?versions=1,2[,3]');
    res.json(await compareVersions(db, param(req.params.name), raw.split(',')));
  });

  router.get('/models/:name/aliases', viewer, async (req, res) => {
    const name = param(req.params.name);
    if (!(await db.registeredModels.exists({ name }))) throw notFound('model', name);
    const rows = await db.aliases.find({ modelName: name }).sort({ alias: 1 }).lean();
    res.json({ model_name: name, aliases: rows.map((r) => toAliasView(r)) });
  });

  router.get('/models/:name/aliases/:alias', viewer, async (req, res) => {
    const name = param(req.params.name);
    const alias = param(req.params.alias);
    const doc = await getAlias(db, name, alias);
    if (!doc) {
      if (!(await db.registeredModels.exists({ name }))) throw notFound('model', name);
      throw new AppError('not_found', `alias '${alias}' of model '${name}' not found`);
    }
    res.json({ ...toAliasView(doc), history: await aliasHistory(db, name, alias) });
  });

  router.get('/models/:name/aliases/:alias/history', viewer, async (req, res) => {
    const name = param(req.params.name);
    const alias = param(req.params.alias);
    res.json({ model_name: name, alias, history: await aliasHistory(db, name, alias) });
  });

  const forceNeedsAdmin = (req: Parameters<typeof hasRole>[1], force: boolean | undefined): void => {
    if (force && !hasRole(config, req, 'admin')) throw new AppError('forbidden', 'force overrides validation gates and needs the admin role');
  };

  router.put('/models/:name/aliases/:alias', operator, async (req, res) => {
    const body = aliasPutSchema.parse(req.body ?? {});
    forceNeedsAdmin(req, body.force);
    const out = await promote(db, limits, {
      modelName: param(req.params.name),
      alias: param(req.params.alias),
      version: body.version,
      who: callerOf(config, req).who,
      reason: body.reason,
      force: body.force,
    });
    if (out.moved) await changed(out.alias.model_name);
    res.json({ ...out.alias, moved: out.moved, gates: out.gates });
  });

  /** Moves the alias back to the version it pointed at before its last move (gates apply as for any move). */
  router.post('/models/:name/aliases/:alias/rollback', operator, async (req, res) => {
    const body = rollbackSchema.parse(req.body ?? {});
    forceNeedsAdmin(req, body.force);
    const name = param(req.params.name);
    const alias = param(req.params.alias);
    const version = await previousVersion(db, name, alias);
    const out = await promote(db, limits, { modelName: name, alias, version, who: callerOf(config, req).who, reason: body.reason ?? 'rollback', force: body.force });
    if (out.moved) await changed(name);
    res.json({ ...out.alias, moved: out.moved, gates: out.gates });
  });

  router.get('/datasets/:ref/lineage', viewer, async (req, res) => {
    res.json(await datasetLineage(db, param(req.params.ref)));
  });

  return router;
}
