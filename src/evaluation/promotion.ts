import { getAlias, moveAlias, toAliasView, type AliasView } from '../registry/alias-service.js';
import type { Database } from '../registry/database.js';
import type { EvaluationDoc } from '../registry/evaluation.model.js';
import { checkAliasName, findVersion } from '../registry/model-registry.js';
import type { ModelVersionDoc } from '../registry/model-version.model.js';
import { AppError } from '../utils/app-error.js';
import type { BiasSection } from './bias-section.js';
import { carriedBias, checkGates, primaryMetricOf, type GateLimits, type GateReport } from './validation-gates.js';

/** The newest evaluation of a version, or null. */
export async function latestEvaluation(db: Database, modelName: string, version: string): Promise<(EvaluationDoc & { _id: unknown }) | null> {
  return db.evaluations.findOne({ modelName, version }).sort({ createdAt: -1, _id: -1 }).lean<EvaluationDoc & { _id: unknown }>();
}

/** The bias sections of a version's evaluations, newest first (skipping `exceptId`). */
export async function earlierBias(db: Database, modelName: string, version: string, exceptId?: unknown): Promise<Array<{ id: string; bias: BiasSection | null }>> {
  const docs = await db.evaluations
    .find({ modelName, version, ...(exceptId !== undefined ? { _id: { $ne: exceptId } } : {}) })
    .sort({ createdAt: -1, _id: -1 })
    .select({ 'report.bias': 1 })
    .limit(100)
    .lean<Array<{ _id: unknown; report?: { bias?: BiasSection | null } }>>();
  return docs.map((d) => ({ id: String(d._id), bias: d.report?.bias ?? null }));
}

/**
 * The gates of a version as they stand now: its newest evaluation against
 * its threshold and the configured bias limits, with the bias of any
 * sensitive feature the newest left out taken from the last evaluation that
 * had it.
 */
export async function gatesForVersion(db: Database, version: ModelVersionDoc, limits: GateLimits): Promise<GateReport> {
  const primary = primaryMetricOf(version.task, version.config);
  const ev = await latestEvaluation(db, version.modelName, version.version);
  const evidence = ev
    ? {
        id: String(ev._id),
        primaryValue: ((ev.metrics as Record<string, number | null>)[primary.name] ?? null) as number | null,
        bias: carriedBias(((ev.report as { bias?: BiasSection | null }).bias ?? null) as BiasSection | null, await earlierBias(db, version.modelName, version.version, ev._id)),
      }
    : null;
  return checkGates(evidence, primary, limits);
}

/** Gated aliases are matched whatever their case: `Production` is as gated as `production`. */
export function isGated(limits: GateLimits, alias: string): boolean {
  const a = alias.toLowerCase();
  return limits.gatedAliases.some((g) => g.toLowerCase() === a);
}

export interface PromoteRequest {
  modelName: string;
  alias: string;
  version: string;
  who: string;
  reason?: string;
  /** move even when gates fail; needs a reason, recorded in the history */
  force?: boolean;
}

/**
 * Moves an alias. A gated alias (`production` by default) moves only when
 * the version passes its validation gates; otherwise 409 `gate_failed`
 * listing the failed gates, unless `force` with a `reason` overrides them.
 * The gate report goes into the alias history either way.
 */
export async function promote(db: Database, limits: GateLimits, req: PromoteRequest): Promise<{ alias: AliasView; moved: boolean; gates: GateReport | null }> {
  checkAliasName(req.alias);
  const version = await findVersion(db, req.modelName, req.version);
  const current = await getAlias(db, req.modelName, req.alias);
  if (current && current.version === version.version) return { alias: toAliasView(current), moved: false, gates: null };
  const gates = isGated(limits, req.alias) ? await gatesForVersion(db, version, limits) : null;
  const forced = gates !== null && !gates.passed;
  if (forced) {
    if (!req.force) {
      throw new AppError('gate_failed', `version '${version.version}' of model '${req.modelName}' cannot become '${req.alias}': failed gates: ${gates.checks.filter((c) => !c.passed).map((c) => c.message).join('; ')}`, {
        details: gates,
      });
    }
    if (!req.reason?.trim()) throw new AppError('validation_failed', `force overrides the failed gates (${gates.failed.join(', ')}) only with a reason`);
  }
  const { alias, moved } = await moveAlias(db, { modelName: req.modelName, alias: req.alias, version: version.version, who: req.who, reason: req.reason ?? null, forced, gates });
  return { alias, moved, gates };
}
