import { getModelType } from '../ml/model-types.js';
import { findColumn, type Table } from '../ml/data/table.js';
import type { TaskName } from '../../queues/job-schemas.js';

/**
 * The task when the job does not say: the only one the model type supports;
 * else classification for a text target or a whole-number target with at
 * most 20 distinct values; else regression.
 */
export function inferTask(type: string, table: Table, target: string): TaskName {
  const tasks = getModelType(type).tasks;
  if (tasks.length === 1) return tasks[0];
  const col = findColumn(table, target);
  if (!col || col.kind === 'string') return 'classification';
  const seen = new Set<number>();
  for (const v of col.values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return 'regression';
    seen.add(v);
    if (seen.size > 20) return 'regression';
  }
  return 'classification';
}
