import { AppError, notFound } from '../utils/app-error.js';
import type { Database } from './database.js';
import { isDuplicateKey } from './database.js';
import type { AliasMove, ModelAliasDoc } from './model-alias.model.js';
import { checkAliasName, findVersion } from './model-registry.js';

/** A requested alias move, after any gates were checked. */
export interface AliasMoveRequest {
  modelName: string;
  alias: string;
  version: string;
  who: string;
  reason?: string | null;
  forced?: boolean;
  /** the gate report to keep with the move (null for an ungated alias) */
  gates?: unknown;
}

/** An alias move as the API shows it. */
export interface AliasMoveView {
  revision: number;
  from: string | null;
  to: string;
  who: string;
  at: string;
  reason: string | null;
  forced: boolean;
  gates: unknown;
}

/** An alias as the API shows it. */
export interface AliasView {
  model_name: string;
  alias: string;
  version: string;
  revision: number;
  updated_at: string;
  last_move: AliasMoveView;
}

export function toMoveView(m: AliasMove): AliasMoveView {
  return {
    revision: m.revision,
    from: m.from ?? null,
    to: m.to,
    who: m.who,
    at: new Date(m.at).toISOString(),
    reason: m.reason ?? null,
    forced: m.forced ?? false,
    gates: m.gates ?? null,
  };
}

export function toAliasView(doc: ModelAliasDoc): AliasView {
  return {
    model_name: doc.modelName,
    alias: doc.alias,
    version: doc.version,
    revision: doc.revision,
    updated_at: new Date(doc.lastMove.at).toISOString(),
    last_move: toMoveView(doc.lastMove),
  };
}

/** Writes an alias's last move into the history (idempotent: unique on revision). */
async function recordMove(db: Database, doc: Pick<ModelAliasDoc, 'modelName' | 'alias' | 'lastMove'>): Promise<void> {
  const m = doc.lastMove;
  await db.aliasHistory
    .updateOne(
      { modelName: doc.modelName, alias: doc.alias, revision: m.revision },
      {
        $setOnInsert: {
          modelName: doc.modelName,
          alias: doc.alias,
          revision: m.revision,
          from: m.from ?? null,
          to: m.to,
          who: m.who,
          at: m.at,
          reason: m.reason ?? null,
          forced: m.forced ?? false,
          gates: m.gates ?? null,
        },
      },
      { upsert: true },
    )
    .catch((err) => {
      if (!isDuplicateKey(err)) throw err;
    });
}

/** The alias's current pointer, or null. */
export async function getAlias(db: Database, modelName: string, alias: string): Promise<ModelAliasDoc | null> {
  return db.aliases.findOne({ modelName, alias }).lean<ModelAliasDoc>();
}

/**
 * Points an alias at a version and appends the move to the history. The
 * pointer update is a compare-and-set on the alias's revision and carries the
 * move itself, so concurrent moves serialise and a crash between the two
 * writes loses nothing: the next move or history read completes the history
 * from the pointer. Moving to the version it already points at changes
 * nothing. Returns the alias and whether it moved.
 */
export async function moveAlias(db: Database, req: AliasMoveRequest): Promise<{ alias: AliasView; moved: boolean }> {
  checkAliasName(req.alias);
  const target = await findVersion(db, req.modelName, req.version);
  if (target.status === 'archived') {
    throw new AppError('conflict', `version '${target.version}' of model '${req.modelName}' is archived; an alias cannot point at it`);
  }
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await getAlias(db, req.modelName, req.alias);
    if (current) await recordMove(db, current);
    if (current && current.version === target.version) return { alias: toAliasView(current), moved: false };
    const move: AliasMove = {
      revision: (current?.revision ?? 0) + 1,
      from: current?.version ?? null,
      to: target.version,
      who: req.who,
      at: new Date(),
      reason: req.reason ?? null,
      forced: req.forced ?? false,
      gates: req.gates ?? null,
    };
    if (current) {
      const res = await db.aliases.updateOne(
        { modelName: req.modelName, alias: req.alias, revision: current.revision },
        { $set: { version: target.version, revision: move.revision, lastMove: move } },
      );
      if (res.matchedCount !== 1) continue;
    } else {
      try {
        await db.aliases.create({ modelName: req.modelName, alias: req.alias, version: target.version, revision: move.revision, lastMove: move });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
    }
    const doc = { modelName: req.modelName, alias: req.alias, version: target.version, revision: move.revision, lastMove: move } as ModelAliasDoc;
    await recordMove(db, doc);
    return { alias: toAliasView(doc), moved: true };
  }
  throw new AppError('conflict', `alias '${req.alias}' of model '${req.modelName}' is being moved by someone else; retry`);
}

/** The moves of one alias, newest first. */
export async function aliasHistory(db: Database, modelName: string, alias: string, limit = 100): Promise<AliasMoveView[]> {
  const current = await getAlias(db, modelName, alias);
  if (!current) {
    if (!(await db.registeredModels.exists({ name: modelName }))) throw notFound('model', modelName);
    const any = await db.aliasHistory.exists({ modelName, alias });
    if (!any) throw new AppError('not_found', `alias '${alias}' of model '${modelName}' not found`);
  } else await recordMove(db, current);
  const rows = await db.aliasHistory.find({ modelName, alias }).sort({ revision: -1 }).limit(limit).lean();
  return rows.map((r) => toMoveView(r as unknown as AliasMove));
}

/** The version an alias pointed at before its last move, for rollback. */
export async function previousVersion(db: Database, modelName: string, alias: string): Promise<string> {
  const current = await getAlias(db, modelName, alias);
  if (!current) {
    if (!(await db.registeredModels.exists({ name: modelName }))) throw notFound('model', modelName);
    throw new AppError('not_found', `alias '${alias}' of model '${modelName}' not found`);
  }
  if (!current.lastMove.from) {
    throw new AppError('conflict', `alias '${alias}' of model '${modelName}' has never pointed at another version: nothing to roll back to`);
  }
  return current.lastMove.from;
}

/** Aliases pointing at a version (a version with aliases cannot be deleted or archived). */
export async function aliasesPointingAt(db: Database, modelName: string, version: string): Promise<string[]> {
  const rows = await db.aliases.find({ modelName, version }).select({ alias: 1 }).lean();
  return rows.map((r) => r.alias).sort();
}
