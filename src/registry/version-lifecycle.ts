import { z } from 'zod';
import { AppError, notFound } from '../utils/app-error.js';
import { aliasesPointingAt } from './alias-service.js';
import type { Database } from './database.js';
import { findVersion, mergeTags, refreshLatest, tagsObject, toVersionView, type VersionView } from './model-registry.js';
import type { ModelVersionDoc } from './model-version.model.js';

const MAX_TAGS = 50;

const tagsPatchSchema = z
  .record(z.string().min(1).max(128), z.union([z.string().max(1024), z.null()]))
  .refine((t) => Object.keys(t).length <= MAX_TAGS, { message: `at most ${MAX_TAGS} tags` });

/** PATCH /v1/models/:name */
export const modelPatchSchema = z
  .object({ description: z.string().max(10_000).optional(), tags: tagsPatchSchema.optional() })
  .strict()
  .refine((b) => b.description !== undefined || b.tags !== undefined, { message: 'give description and/or tags' });

/** PATCH /v1/models/:name/versions/:version */
export const versionPatchSchema = z
  .object({ description: z.string().max(10_000).optional(), tags: tagsPatchSchema.optional(), status: z.enum(['ready', 'archived']).optional() })
  .strict()
  .refine((b) => b.description !== undefined || b.tags !== undefined || b.status !== undefined, { message: 'give description, tags and/or status' });

/** A model's description and tags; tags set to null are removed. */
export async function updateModel(db: Database, name: string, patch: z.infer<typeof modelPatchSchema>): Promise<{ name: string; description: string; tags: Record<string, string> }> {
  const model = await db.registeredModels.findOne({ name }).lean();
  if (!model) throw notFound('model', name);
  const $set: Record<string, unknown> = {};
  if (patch.description !== undefined) $set.description = patch.description;
  if (patch.tags !== undefined) $set.tags = mergeTags(model.tags, patch.tags);
  if (patch.tags !== undefined && ($set.tags as unknown[]).length > MAX_TAGS) throw new AppError('validation_failed', `a model takes at most ${MAX_TAGS} tags`);
  await db.registeredModels.updateOne({ name }, { $set });
  const after = (await db.registeredModels.findOne({ name }).lean())!;
  return { name, description: after.description ?? '', tags: tagsObject(after.tags) };
}

async function refuseIfAliased(db: Database, doc: ModelVersionDoc, action: string): Promise<void> {
  const aliases = await aliasesPointingAt(db, doc.modelName, doc.version);
  if (aliases.length) {
    throw new AppError('conflict', `cannot ${action} version '${doc.version}' of model '${doc.modelName}': alias${aliases.length > 1 ? 'es' : ''} ${aliases.map((a) => `'${a}'`).join(', ')} point${aliases.length > 1 ? '' : 's'} at it; move ${aliases.length > 1 ? 'them' : 'it'} first`, {
      details: { aliases },
    });
  }
}

/**
 * Archives a version: the record stays (metrics, lineage, history) but its
 * artifact leaves GridFS, so it cannot be served or aliased again. The
 * record changes first: a crash before the file is removed leaves an
 * unreferenced file, which the orphan clean-up removes.
 */
export async function archiveVersion(db: Database, doc: ModelVersionDoc): Promise<void> {
  await refuseIfAliased(db, doc, 'archive');
  await db.modelVersions.updateOne({ modelName: doc.modelName, version: doc.version, status: { $ne: 'archived' } }, { $set: { status: 'archived', archivedAt: new Date() } });
  await db.artifacts.delete(String(doc.artifact.fileId));
}

/** Description, tags and status (ready -> archived; an archived version cannot come back, its artifact is gone). */
export async function updateVersion(db: Database, modelName: string, label: string, patch: z.infer<typeof versionPatchSchema>): Promise<VersionView> {
  const doc = await findVersion(db, modelName, label);
  const $set: Record<string, unknown> = {};
  if (patch.description !== undefined) $set.description = patch.description;
  if (patch.tags !== undefined) {
    $set.tags = mergeTags(doc.tags, patch.tags);
    if (($set.tags as unknown[]).length > MAX_TAGS) throw new AppError('validation_failed', `a version takes at most ${MAX_TAGS} tags`);
  }
  if (patch.status === 'ready' && doc.status === 'archived') {
    throw new AppError('conflict', `version '${doc.version}' of model '${modelName}' is archived and its artifact was removed; it cannot be made ready again (train a new version)`);
  }
  if (Object.keys($set).length) await db.modelVersions.updateOne({ modelName, version: doc.version }, { $set });
  if (patch.status === 'archived' && doc.status !== 'archived') await archiveVersion(db, doc);
  return toVersionView(await findVersion(db, modelName, doc.version));
}

/**
 * Deletes a version, its evaluations and its artifact. Refused (409) while an
 * alias points at it. The record goes first, so a crash in between leaves
 * only an orphaned file for the clean-up.
 */
export async function deleteVersion(db: Database, modelName: string, label: string): Promise<{ model_name: string; version: string; artifact_removed: boolean; evaluations_removed: number }> {
  const doc = await findVersion(db, modelName, label);
  await refuseIfAliased(db, doc, 'delete');
  const res = await db.modelVersions.deleteOne({ modelName, version: doc.version, seq: doc.seq });
  if (res.deletedCount !== 1) throw notFound(`version of model '${modelName}'`, label);
  await refreshLatest(db, modelName);
  const evs = await db.evaluations.deleteMany({ modelName, version: doc.version });
  const id = String(doc.artifact.fileId);
  await db.artifacts.delete(id);
  return { model_name: modelName, version: doc.version, artifact_removed: !(await db.artifacts.exists(id)), evaluations_removed: evs.deletedCount ?? 0 };
}
