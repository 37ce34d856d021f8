import { Router } from 'express';
import { aliasesOf, findVersion, tagsObject, toVersionView } from '../../registry/model-registry.js';
import type { ModelVersionDoc } from '../../registry/model-version.model.js';
import { notFound } from '../../utils/app-error.js';
import { requireRole } from '../auth.js';
import type { ApiDeps } from '../deps.js';

export function modelRoutes(deps: ApiDeps): Router {
  const { config, db } = deps;
  const router = Router();
  const viewer = requireRole(config, 'viewer');

  router.get('/', viewer, async (_req, res) => {
    const registered = await db.registeredModels.find().sort({ name: 1 }).lean();
    const out = await Promise.all(
      registered.map(async (m) => {
        const latest = await db.modelVersions.findOne({ modelName: m.name }).sort({ seq: -1 }).select({ version: 1 }).lean();
        return { name: m.name, task: m.task, description: m.description, latest_version: latest?.version ?? null };
      }),
    );
    res.json({ models: out });
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
