import { z } from 'zod';
import type { Database } from '../registry/database.js';
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
  /** predictions that got their label (a label sent again replaces the earlier one) */
  labeled: number;
  /** ids that are not logged predictions of this model (never served, pruned, or another model's) */
  unknown_ids: string[];
}

/**
 * Records true labels for logged predictions by prediction id (a label sent
 * again replaces the earlier one). Unknown ids are reported back, not
 * fatal: the known ones are labelled either way.
 */
export async function recordFeedback(db: Database, modelName: string, body: FeedbackRequest, now = new Date()): Promise<FeedbackResult> {
  if (!(await db.registeredModels.exists({ name: modelName }))) throw notFound('model', modelName);
  const byId = new Map<string, string | number | boolean>();
  for (const item of body.items) byId.set(item.prediction_id, item.label);
  const ids = [...byId.keys()];
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const buckets = await db.predictionLog.find({ ids: { $in: ids.slice(i, i + 1000) }, modelName }).select({ ids: 1 }).lean();
    for (const b of buckets) for (const id of b.ids) if (byId.has(id)) known.add(id);
  }
  const ops = [...known].map((id) => ({
    updateOne: { filter: { _id: id }, update: { $set: { modelName, label: byId.get(id), labeledAt: now } }, upsert: true },
  }));
  for (let i = 0; i < ops.length; i += 1000) await db.predictionFeedback.bulkWrite(ops.slice(i, i + 1000), { ordered: false });
  return { model_name: modelName, received: body.items.length, labeled: known.size, unknown_ids: ids.filter((id) => !known.has(id)) };
}
