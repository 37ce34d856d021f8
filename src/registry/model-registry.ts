import { gunzipSync, gzipSync } from 'node:zlib';
import { mongo } from 'mongoose';
import { AppError, notFound } from '../utils/app-error.js';
import type { Database } from './database.js';
import { isDuplicateKey } from './database.js';
import type { ModelVersionDoc } from './model-version.model.js';

/** Where a version came from. */
export interface Lineage {
  dataset: { id: string; name: string; version: number; sha256: string };
  job_id: string;
  job_type: string;
  hyperparameters: Record<string, unknown>;
  package_version: string;
  parent_version?: string | null;
  study_id?: string | null;
  trial_number?: number | null;
}

export interface NewVersion {
  modelName: string;
  /** from the config's `model.version`; else the next number */
  version?: string;
  task: string;
  type: string;
  target: string;
  features: string[];
  featureSchema: unknown;
  classes: unknown;
  hyperparameters: Record<string, unknown>;
  config: unknown;
  metrics: Record<string, unknown>;
  cvMetrics: Record<string, unknown>;
  /** the fitted pipeline's JSON text */
  model: string;
  lineage: Lineage;
  sourceJobId: string;
  monitoring?: unknown;
}

export const ARTIFACT_FORMAT = 'trainyard.pipeline+json.gz';

/**
 * Registers a model version exactly once per source job: a retried job finds
 * the version its first attempt made (unique index on sourceJobId).
 */
export async function registerVersion(db: Database, input: NewVersion): Promise<ModelVersionDoc> {
  const existing = await db.modelVersions.findOne({ sourceJobId: input.sourceJobId }).lean<ModelVersionDoc>();
  if (existing) return existing;
  if (input.version && (await db.modelVersions.exists({ modelName: input.modelName, version: input.version }))) {
    throw new AppError('conflict', `version '${input.version}' of model '${input.modelName}' already exists`);
  }
  const bytes = gzipSync(Buffer.from(input.model));
  const artifact = await db.artifacts.put(`${input.modelName}.model.json.gz`, bytes, { kind: 'model', model: input.modelName, job: input.sourceJobId });
  await db.registeredModels.updateOne(
    { name: input.modelName },
    { $setOnInsert: { name: input.modelName, description: '' }, $set: { task: input.task, monitoring: input.monitoring ?? {} } },
    { upsert: true },
  ).catch((err) => {
    if (!isDuplicateKey(err)) throw err;
  });
  for (let attempt = 0; attempt < 10; attempt++) {
    const last = await db.modelVersions.findOne({ modelName: input.modelName }).sort({ seq: -1 }).select({ seq: 1 }).lean();
    const seq = (last?.seq ?? 0) + 1;
    try {
      const doc = await db.modelVersions.create({
        modelName: input.modelName,
        version: input.version ?? String(seq),
        seq,
        task: input.task,
        type: input.type,
        target: input.target,
        features: input.features,
        featureSchema: input.featureSchema,
        classes: input.classes,
        hyperparameters: input.hyperparameters,
        config: input.config,
        metrics: input.metrics,
        cvMetrics: input.cvMetrics,
        artifact: { fileId: new mongo.ObjectId(artifact.id), sha256: artifact.sha256, sizeBytes: artifact.sizeBytes, format: ARTIFACT_FORMAT },
        lineage: input.lineage,
        sourceJobId: input.sourceJobId,
      });
      await noteLatest(db, input.modelName, seq, doc.version);
      return doc.toObject() as ModelVersionDoc;
    } catch (err) {
      if (!isDuplicateKey(err)) {
        await db.artifacts.delete(artifact.id);
        throw err;
      }
      const mine = await db.modelVersions.findOne({ sourceJobId: input.sourceJobId }).lean<ModelVersionDoc>();
      if (mine) {
        await db.artifacts.delete(artifact.id);
        return mine;
      }
      if (input.version) {
        await db.artifacts.delete(artifact.id);
        throw new AppError('conflict', `version '${input.version}' of model '${input.modelName}' already exists`);
      }
    }
  }
  await db.artifacts.delete(artifact.id);
  throw new AppError('conflict', `could not allocate a version for model '${input.modelName}'`);
}

/** Moves the model's latest-version mark to `seq` if it is newer (registrations may land out of order). */
async function noteLatest(db: Database, modelName: string, seq: number, version: string): Promise<void> {
  await db.registeredModels.updateOne({ name: modelName, $or: [{ latestSeq: null }, { latestSeq: { $lt: seq } }] }, { $set: { latestSeq: seq, latestVersion: version } });
}

/** Sets the model's latest-version mark from its versions (after the latest one was deleted). */
export async function refreshLatest(db: Database, modelName: string): Promise<void> {
  const last = await db.modelVersions.findOne({ modelName }).sort({ seq: -1 }).select({ seq: 1, version: 1 }).lean();
  await db.registeredModels.updateOne({ name: modelName }, { $set: { latestSeq: last?.seq ?? null, latestVersion: last?.version ?? null } });
}

export interface ModelListEntry {
  name: string;
  task: string;
  description: string;
  latest_version: string | null;
}

/**
 * A page of registered models in name order, after the name `after`: one
 * query (the latest version is kept on the registration). Registrations
 * from before that mark existed get theirs from one query for the page.
 */
export async function listModels(db: Database, page: { limit: number; after?: string }): Promise<{ models: ModelListEntry[]; next: string | null }> {
  const docs = await db.registeredModels
    .find(page.after === undefined ? {} : { name: { $gt: page.after } })
    .sort({ name: 1 })
    .limit(page.limit + 1)
    .select({ name: 1, task: 1, description: 1, latestSeq: 1, latestVersion: 1 })
    .lean();
  const more = docs.length > page.limit;
  const shown = docs.slice(0, page.limit);
  const unmarked = shown.filter((m) => m.latestSeq === null || m.latestSeq === undefined).map((m) => m.name);
  const latest = new Map<string, { seq: number; version: string }>();
  if (unmarked.length) {
    for (const v of await db.modelVersions.find({ modelName: { $in: unmarked } }).select({ modelName: 1, seq: 1, version: 1 }).lean()) {
      if ((latest.get(v.modelName)?.seq ?? -Infinity) < v.seq) latest.set(v.modelName, { seq: v.seq, version: v.version });
    }
  }
  return {
    models: shown.map((m) => ({ name: m.name, task: m.task, description: m.description, latest_version: m.latestVersion ?? latest.get(m.name)?.version ?? null })),
    next: more ? shown[shown.length - 1].name : null,
  };
}

/** A version by number/label, or the latest when none is given. */
export async function findVersion(db: Database, modelName: string, version?: string): Promise<ModelVersionDoc> {
  const doc = version
    ? await db.modelVersions.findOne({ modelName, version }).lean<ModelVersionDoc>()
    : await db.modelVersions.findOne({ modelName, status: 'ready' }).sort({ seq: -1 }).lean<ModelVersionDoc>();
  if (!doc) {
    if (!(await db.registeredModels.exists({ name: modelName }))) throw notFound('model', modelName);
    throw notFound(`version of model '${modelName}'`, version ?? 'latest');
  }
  return doc;
}

/** Alias names: a letter, then letters, digits, '_' or '-' (so an alias never reads as a version number). */
export const ALIAS_RE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** `latest` always means the newest ready version; it cannot be set. */
export const RESERVED_ALIASES: readonly string[] = ['latest'];
/** The alias predict and the other endpoints use when the request names neither version nor alias. */
export const DEFAULT_ALIAS = 'production';

/** Checks an alias name for PUT: the safe pattern, and not a reserved one. */
export function checkAliasName(alias: string): string {
  if (RESERVED_ALIASES.includes(alias.toLowerCase())) {
    throw new AppError('validation_failed', `alias '${alias}' is reserved: it always means the newest ready version and cannot be moved`);
  }
  if (!ALIAS_RE.test(alias)) {
    throw new AppError('validation_failed', `alias '${alias}' must be 1-64 letters, digits, '_' or '-', starting with a letter`);
  }
  return alias;
}

/**
 * The version a request means: `version` when given; else `alias` (`latest`
 * is the newest ready version); else the `production` alias when the model
 * has one, else the newest ready version. Unknown model, version or alias:
 * 404. An archived version has no artifact any more: 409.
 */
export async function resolveVersion(db: Database, modelName: string, req: { version?: string | null; alias?: string | null } = {}): Promise<ModelVersionDoc> {
  const { version, alias } = req;
  if (version && alias) throw new AppError('validation_failed', `give either version or alias, not both (got version '${version}' and alias '${alias}')`);
  let doc: ModelVersionDoc;
  if (version) doc = await findVersion(db, modelName, version);
  else if (alias && alias.toLowerCase() !== 'latest') {
    const pointer = await db.aliases.findOne({ modelName, alias }).lean();
    if (!pointer) {
      if (!(await db.registeredModels.exists({ name: modelName }))) throw notFound('model', modelName);
      throw new AppError('not_found', `alias '${alias}' of model '${modelName}' not found`);
    }
    doc = await findVersion(db, modelName, pointer.version);
  } else if (!alias) {
    const pointer = await db.aliases.findOne({ modelName, alias: DEFAULT_ALIAS }).lean();
    doc = await findVersion(db, modelName, pointer?.version);
  } else doc = await findVersion(db, modelName);
  if (doc.status === 'archived') {
    throw new AppError('conflict', `version '${doc.version}' of model '${modelName}' is archived: its artifact was removed; use another version`);
  }
  return doc;
}

/** alias -> version for one model. */
export async function aliasesOf(db: Database, modelName: string): Promise<Record<string, string>> {
  const rows = await db.aliases.find({ modelName }).sort({ alias: 1 }).select({ alias: 1, version: 1 }).lean();
  return Object.fromEntries(rows.map((r) => [r.alias, r.version]));
}

/** Tags as stored (pairs) -> as shown (an object). */
export function tagsObject(tags: ReadonlyArray<{ key: string; value: string }> | null | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value]));
}

/** Applies a PATCH to stored tags: a string sets the key, null removes it. */
export function mergeTags(
  current: ReadonlyArray<{ key: string; value: string }> | null | undefined,
  patch: Record<string, string | null>,
): Array<{ key: string; value: string }> {
  const merged = new Map((current ?? []).map((t) => [t.key, t.value]));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) merged.delete(k);
    else merged.set(k, v);
  }
  return [...merged].map(([key, value]) => ({ key, value }));
}

/** Reads a version's artifact (sha256 verified) and returns the pipeline JSON. */
export async function loadModelArtifact(db: Database, doc: ModelVersionDoc): Promise<unknown> {
  if (doc.status === 'archived') {
    throw new AppError('conflict', `version '${doc.version}' of model '${doc.modelName}' is archived: its artifact was removed`);
  }
  const bytes = await db.artifacts.get(String(doc.artifact.fileId), doc.artifact.sha256);
  return JSON.parse(gunzipSync(bytes).toString('utf8'));
}

export interface VersionView {
  model_name: string;
  version: string;
  status: string;
  description: string;
  tags: Record<string, string>;
  task: string;
  type: string;
  target: string;
  features: string[];
  classes: unknown;
  hyperparameters: unknown;
  config: unknown;
  metrics: unknown;
  cv_metrics: unknown;
  artifact: { sha256: string; size_bytes: number; format: string };
  lineage: unknown;
  source_job_id: string;
  created_at: string | null;
  archived_at: string | null;
}

export function toVersionView(doc: ModelVersionDoc): VersionView {
  const created = (doc as unknown as { createdAt?: Date }).createdAt;
  return {
    model_name: doc.modelName,
    version: doc.version,
    status: doc.status ?? 'ready',
    description: doc.description ?? '',
    tags: tagsObject(doc.tags),
    task: doc.task,
    type: doc.type,
    target: doc.target,
    features: doc.features ?? [],
    classes: doc.classes ?? null,
    hyperparameters: doc.hyperparameters ?? {},
    config: doc.config,
    metrics: doc.metrics ?? {},
    cv_metrics: doc.cvMetrics ?? {},
    artifact: { sha256: doc.artifact.sha256, size_bytes: doc.artifact.sizeBytes, format: doc.artifact.format },
    lineage: doc.lineage,
    source_job_id: doc.sourceJobId,
    created_at: created ? created.toISOString() : null,
    archived_at: doc.archivedAt ? new Date(doc.archivedAt).toISOString() : null,
  };
}
