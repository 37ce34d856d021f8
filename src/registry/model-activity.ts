import type { Database } from './database.js';

/** The activity marks a monitoring tick compares with a model's last scheduled check. */
export type ActivityMark = 'lastPredictionAt' | 'lastFeedbackAt' | 'lastScheduledCheckAt';

/**
 * Moves a mark of these models forward to `at` (never back: writes from
 * several API processes may land out of order). Set after the write it
 * marks, so a check that started before the write sees an older mark than
 * the write's and the model is checked again.
 */
export async function markActivity(db: Database, modelNames: readonly string[], mark: ActivityMark, at: Date): Promise<void> {
  if (modelNames.length === 0) return;
  await db.registeredModels.updateMany({ name: { $in: [...modelNames] } }, { $max: { [mark]: at } });
}
