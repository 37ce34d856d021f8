import { metricDirection, isMetricName } from '../ml/metrics/registry.js';
import { AppError } from '../utils/app-error.js';
import type { Database } from './database.js';
import type { Lineage } from './model-registry.js';
import { findVersion, resolveVersion } from './model-registry.js';
import type { ModelVersionDoc } from './model-version.model.js';

/** Most versions one comparison takes. */
export const MAX_COMPARED = 10;

/** One row of a comparison: a metric or parameter, its value per version. */
export interface CompareRow {
  name: string;
  values: Record<string, unknown>;
  /** parameters: true when the versions disagree */
  differs?: boolean;
  /** metrics: the version with the best value, when the direction is known */
  best?: string | null;
  direction?: 'maximize' | 'minimize';
}

async function versionOrAlias(db: Database, modelName: string, label: string): Promise<ModelVersionDoc> {
  try {
    return await findVersion(db, modelName, label);
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 404 || !(await db.registeredModels.exists({ name: modelName }))) throw err;
    const pointer = await db.aliases.exists({ modelName, alias: label });
    if (!pointer && label !== 'latest') throw err;
    const doc = await resolveVersion(db, modelName, { alias: label }).catch(() => null);
    if (!doc) throw err;
    return doc;
  }
}

function sameValue(values: unknown[]): boolean {
  const first = JSON.stringify(values[0] ?? null);
  return values.every((v) => JSON.stringify(v ?? null) === first);
}

function metricRows(docs: ModelVersionDoc[], pick: (d: ModelVersionDoc) => Record<string, unknown>): CompareRow[] {
  const names = [...new Set(docs.flatMap((d) => Object.keys(pick(d) ?? {})))].sort();
  return names.map((name) => {
    const values = Object.fromEntries(docs.map((d) => [d.version, (pick(d) ?? {})[name] ?? null]));
    const row: CompareRow = { name, values };
    if (isMetricName(name)) {
      const direction = metricDirection(name);
      row.direction = direction;
      let best: string | null = null;
      let bestValue = 0;
      for (const d of docs) {
        const v = values[d.version];
        if (typeof v !== 'number') continue;
        if (best === null || (direction === 'maximize' ? v > bestValue : v < bestValue)) [best, bestValue] = [d.version, v];
      }
      row.best = best;
    }
    return row;
  });
}

/**
 * Two or more versions side by side: metrics (with the best version per
 * metric), cross-validation means, hyperparameters (marking the ones that
 * differ), and each version's newest evaluation. Labels may be versions or
 * aliases.
 */
export async function compareVersions(db: Database, modelName: string, labels: string[]) {
  const unique = [...new Set(labels.map((l) => l.trim()).filter(Boolean))];
  if (unique.length < 2) throw new AppError('validation_failed', 'compare needs at least two versions: ?versions=1,2');
  if (unique.length > MAX_COMPARED) throw new AppError('validation_failed', `compare takes at most ${MAX_COMPARED} versions; got ${unique.length}`);
  const docs = await Promise.all(unique.map((l) => versionOrAlias(db, modelName, l)));
  const distinct = docs.filter((d, i) => docs.findIndex((o) => o.version === d.version) === i);
  const evaluations = await Promise.all(
    distinct.map((d) => db.evaluations.findOne({ modelName, version: d.version }).sort({ createdAt: -1 }).select({ report: 0 }).lean()),
  );
  const aliases = await db.aliases.find({ modelName, version: { $in: distinct.map((d) => d.version) } }).lean();
  const params = (d: ModelVersionDoc) => ({ type: d.type, ...((d.hyperparameters ?? {}) as Record<string, unknown>) });
  const paramNames = [...new Set(distinct.flatMap((d) => Object.keys(params(d))))];
  return {
    model_name: modelName,
    versions: distinct.map((d, i) => {
      const l = (d.lineage ?? {}) as Partial<Lineage>;
      return {
        version: d.version,
        status: d.status ?? 'ready',
        type: d.type,
        created_at: (d as { createdAt?: Date }).createdAt ? new Date((d as { createdAt: Date }).createdAt).toISOString() : null,
        aliases: aliases.filter((a) => a.version === d.version).map((a) => a.alias).sort(),
        dataset: l.dataset ? { id: l.dataset.id, name: l.dataset.name, version: l.dataset.version } : null,
        latest_evaluation: evaluations[i]
          ? { id: String(evaluations[i]!._id), dataset: evaluations[i]!.dataset, metrics: evaluations[i]!.metrics, created_at: new Date((evaluations[i] as { createdAt: Date }).createdAt).toISOString() }
          : null,
      };
    }),
    metrics: metricRows(distinct, (d) => d.metrics as Record<string, unknown>),
    cv_metrics: metricRows(distinct, (d) =>
      Object.fromEntries(Object.entries((d.cvMetrics ?? {}) as Record<string, { mean?: number | null }>).map(([k, v]) => [k, v?.mean ?? null])),
    ),
    parameters: paramNames.map((name): CompareRow => {
      const values = Object.fromEntries(distinct.map((d) => [d.version, (params(d) as Record<string, unknown>)[name] ?? null]));
      return { name, values, differs: !sameValue(Object.values(values)) };
    }),
  };
}
