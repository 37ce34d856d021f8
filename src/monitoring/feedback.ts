import { z } from 'zod';
import type { Database } from '../registry/database.js';
import { markActivity } from '../registry/model-activity.js';
import { feedbackId } from '../registry/prediction-log.model.js';
import { notFound } from '../utils/app-error.js';

/** POST /v1/models/:name/feedback */
export const feedbackRequestSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            prediction_id: z.string().min(1).max(200),
            /** the true class label or value */
            label: z.union([z.string(), z.number(), z.boolean()]),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

export interface FeedbackResult {
  model_name: string;
  received: number;
  /** labels stored (one per prediction id; a label sent again replaces the earlier one) */
  labeled: number;
  /** of those, predictions already in the log */
  matched: number;
  /**
   * ids not in this model's log yet: still buffered by the API, or never
   * served by this model. Their labels are kept and joined once the
   * prediction is logged; unmatched after monitoring.feedback_pending_hours
   * they expire (counted in GET /v1/models/:name/monitoring).
   */
  pending_ids: string[];
}

/** Which of these prediction ids this model's log holds. */
async function loggedIds(db: Database, modelName: string, ids: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(ids);
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const buckets = await db.predictionLog.find({ ids: { $in: ids.slice(i, i + 1000) }, modelName }).select({ ids: 1 }).lean();
    for (const b of buckets) for (const id of b.ids) if (wanted.has(id)) found.add(id);
  }
  return found;
}

/**
 * Records true labels by prediction id, whatever the state of the
 * prediction log: a client that labels right after predicting finds its
 * predictions still in the API's buffer, and those labels must count once
 * the buffer is written (monitoring joins labels to the log by id).
 */
export async function recordFeedback(db: Database, modelName: string, body: FeedbackRequest, now = new Date()): Promise<FeedbackResult> {
  if (!(await db.registeredModels.exists({ name: modelName }))) throw notFound('model', modelName);
  const byId = new Map<string, string | number | boolean>();
  for (const item of body.items) byId.set(item.prediction_id, item.label);
  const ids = [...byId.keys()];
  const known = await loggedIds(db, modelName, ids);
  const ops = ids.map((id) => ({
    updateOne: {
      filter: { _id: feedbackId(modelName, id) },
      update: { $set: { modelName, predictionId: id, label: byId.get(id), labeledAt: now, matched: known.has(id) } },
      upsert: true,
    },
  }));
  for (let i = 0; i < ops.length; i += 1000) await db.predictionFeedback.bulkWrite(ops.slice(i, i + 1000), { ordered: false });
  await markActivity(db, [modelName], 'lastFeedbackAt', new Date());
  return { model_name: modelName, received: body.items.length, labeled: ids.length, matched: known.size, pending_ids: ids.filter((id) => !known.has(id)) };
}

/**
 * Settles a model's labels still pending after `cutoff`: those whose
 * prediction has been logged since are marked matched, the rest (never
 * logged: dropped from a full buffer, or an id this model never served)
 * are deleted and counted on the model. Returns how many expired.
 */
export async function expirePendingFeedback(db: Database, modelName: string, cutoff: Date): Promise<number> {
  let expired = 0;
  for (;;) {
    const pending = await db.predictionFeedback
      .find({ modelName, matched: false, labeledAt: { $lt: cutoff } })
      .select({ predictionId: 1 })
      .limit(1000)
      .lean();
    if (pending.length === 0) break;
    const ids = pending.map((p) => p.predictionId);
    const logged = await loggedIds(db, modelName, ids);
    const gone = ids.filter((id) => !logged.has(id));
    if (logged.size > 0) await db.predictionFeedback.updateMany({ _id: { $in: [...logged].map((id) => feedbackId(modelName, id)) } }, { $set: { matched: true } });
    if (gone.length > 0) await db.predictionFeedback.deleteMany({ _id: { $in: gone.map((id) => feedbackId(modelName, id)) } });
    expired += gone.length;
    if (pending.length < 1000) break;
  }
  if (expired > 0) await db.registeredModels.updateOne({ name: modelName }, { $inc: { feedbackExpired: expired } });
  return expired;
}
