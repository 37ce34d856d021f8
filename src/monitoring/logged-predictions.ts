import type { Database } from '../registry/database.js';
import { feedbackId, fromBucket, type LoggedPrediction, type PredictionBucket } from '../registry/prediction-log.model.js';

/**
 * The most recent logged predictions of a model (or one version of it)
 * made in [since, now], newest first, at most `limit`. Buckets are read
 * newest first and reading stops once no older bucket can hold a
 * prediction newer than the `limit`-th found. `withInputs: false` leaves
 * the inputs and outputs unread (latency views).
 */
export async function recentPredictions(
  db: Database,
  query: { modelName: string; version?: string; withInputs?: boolean },
  since: Date,
  now: Date,
  limit: number,
): Promise<LoggedPrediction[]> {
  const filter = { modelName: query.modelName, ...(query.version !== undefined ? { version: query.version } : {}), to: { $gte: since }, from: { $lte: now } };
  const rows: LoggedPrediction[] = [];
  const projection = query.withInputs === false ? { modelName: 1, version: 1, to: 1, ids: 1, at: 1, latencyMs: 1 } : {};
  const cursor = db.predictionLog.find(filter, projection).sort({ to: -1 }).lean<PredictionBucket[]>().cursor();
  try {
    for await (const bucket of cursor as AsyncIterable<PredictionBucket>) {
      if (rows.length >= limit) {
        rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
        rows.length = limit;
        if (bucket.to < rows[limit - 1].createdAt) break;
      }
      for (const r of fromBucket(bucket)) if (r.createdAt >= since && r.createdAt <= now) rows.push(r);
    }
  } finally {
    await cursor.close();
  }
  rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return rows.slice(0, limit);
}

/** The true labels sent for these predictions, by prediction id. */
export async function labelsOf(db: Database, modelName: string, ids: readonly string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (let i = 0; i < ids.length; i += 1000) {
    const docs = await db.predictionFeedback
      .find({ _id: { $in: ids.slice(i, i + 1000).map((id) => feedbackId(modelName, id)) } })
      .select({ predictionId: 1, label: 1 })
      .lean();
    for (const d of docs) out.set(d.predictionId, d.label);
  }
  return out;
}

/** Logged predictions by id (tests and tools; feedback uses the same `ids` index). */
export async function predictionsById(db: Database, ids: readonly string[]): Promise<LoggedPrediction[]> {
  const wanted = new Set(ids);
  const buckets = await db.predictionLog.find({ ids: { $in: [...wanted] } }).lean<PredictionBucket[]>();
  return buckets.flatMap(fromBucket).filter((r) => wanted.has(r.id));
}
