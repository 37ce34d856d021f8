import { Router } from 'express';
import { z } from 'zod';
import { aliasesOf, findVersion, listModels, tagsObject, toVersionView } from '../../registry/model-registry.js';
import type { ModelVersionDoc } from '../../registry/model-version.model.js';
import { notFound } from '../../utils/app-error.js';
import { requireRole } from '../auth.js';
import type { ApiDeps } from '../deps.js';

/** GET /v1/models: a page in name order, `after` the last name of the previous page. */
const modelListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), after: z.string().min(1).optional() }).strict();

export function modelRoutes(deps: ApiDeps): Router {
  const { config, db } = deps;
  const router = Router();
  const viewer = requireRole(config, 'viewer');

  router.get('/', viewer, async (req, res) => {
    const parsed = modelListQuerySchema.safeParse(req.query);
    if (!parsed.success) throw parsed.error;
    res.json(await listModels(db, parsed.data));
  });

  router.get('/:name', viewer, async (req, res) => {
    const name = String(req.params.name);
    const model = await db.registeredModels.findOne({ name }).lean();
    if (!model) throw notFound('model', name);
    const [versions, aliases] = await Promise.all([db.modelVersions.find({ modelName: name }).sort({ seq: -1 }).lean<ModelVersionDoc[]>(), aliasesOf(db, name)]);
    res.json({
      name: model.name,
      task: model.task,
      description: model.description,
      tags: tagsObject(model.tags),
      versions: versions.map((v) => {
        const { model_name: _n, config: _c, ...rest } = toVersionView(v);
        return { ...rest, aliases: Object.keys(aliases).filter((a) => aliases[a] === v.version) };
      }),
      aliases,
    });
  });

  router.get('/:name/versions/:version', viewer, async (req, res) => {
    res.json(toVersionView(await findVersion(db, String(req.params.name), String(req.params.version))));
  });

  return router;
}
