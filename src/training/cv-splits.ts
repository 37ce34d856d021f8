import { UnrecoverableError } from 'bullmq';
import { DataError } from '../ml/base/errors.js';
import { getColumn, type Table } from '../ml/data/table.js';
import { KFold, StratifiedKFold, TimeSeriesSplit, type Fold } from '../ml/model-selection/index.js';
import type { CvSpec, TaskName } from '../../queues/job-schemas.js';

/** Class codes of the target, for stratification (text labels numbered by first appearance). */
function labelCodes(table: Table, target: string): Float64Array {
  const col = getColumn(table, target);
  if (col.kind === 'number') return col.values;
  const codes = new Map<string | null, number>();
  return Float64Array.from(col.values, (v) => {
    if (!codes.has(v)) codes.set(v, codes.size);
    return codes.get(v)!;
  });
}

/**
 * The CV folds of a job: stratified for classification, in time order for
 * time series, plain k-fold for regression. Data that cannot be split that
 * way fails the job without retries.
 */
export function makeFolds(task: TaskName, table: Table, target: string, cv: CvSpec): Fold[] {
  const n = table.rowCount;
  const shuffle = { shuffle: cv.shuffle, random_state: cv.shuffle ? cv.seed : null };
  try {
    if (task === 'timeseries') return [...new TimeSeriesSplit({ n_splits: cv.folds }).split(n)];
    if (task === 'classification') return [...new StratifiedKFold({ n_splits: cv.folds, ...shuffle }).split(n, labelCodes(table, target))];
    return [...new KFold({ n_splits: cv.folds, ...shuffle }).split(n)];
  } catch (err) {
    if (err instanceof DataError) throw new UnrecoverableError(`DataError: ${err.message}`);
    throw err;
  }
}
