import { ParameterError } from '../base/errors.js';
import type { Params } from '../base/params.js';
import { GroupKFold } from './group-k-fold.js';
import { KFold } from './k-fold.js';
import { ShuffleSplit } from './shuffle-split.js';
import type { Splitter } from './splitter.js';
import { StratifiedKFold } from './stratified-k-fold.js';
import { StratifiedShuffleSplit } from './stratified-shuffle-split.js';
import { TimeSeriesSplit } from './time-series-split.js';

/** Splitter kinds by wire name (snake_case of the scikit-learn class). */
export const SPLITTERS: Readonly<Record<string, (params: Params) => Splitter>> = Object.freeze({
  k_fold: (p: Params) => new KFold(p),
  stratified_k_fold: (p: Params) => new StratifiedKFold(p),
  group_k_fold: (p: Params) => new GroupKFold(p),
  time_series_split: (p: Params) => new TimeSeriesSplit(p),
  shuffle_split: (p: Params) => new ShuffleSplit(p),
  stratified_shuffle_split: (p: Params) => new StratifiedShuffleSplit(p),
});

/** Builds a splitter from its wire name and scikit-learn-named params; unknown names list the known ones. */
export function createSplitter(kind: string, params: Params = {}): Splitter {
  const make = Object.hasOwn(SPLITTERS, kind) ? SPLITTERS[kind] : undefined;
  if (!make) throw new ParameterError(`Unknown splitter '${kind}'. Known splitters: ${Object.keys(SPLITTERS).join(', ')}.`, 'cv');
  return make(params);
}

/**
 * scikit-learn's `check_cv`: a splitter passes through; a number of folds
 * (default 5) becomes StratifiedKFold for classification and KFold otherwise,
 * unshuffled; a time series gets TimeSeriesSplit.
 */
export function checkCv(cv: number | Splitter | undefined, task: 'classification' | 'regression' | 'timeseries'): Splitter {
  if (cv !== undefined && typeof cv !== 'number') return cv;
  const n_splits = cv ?? 5;
  if (task === 'classification') return new StratifiedKFold({ n_splits });
  if (task === 'timeseries') return new TimeSeriesSplit({ n_splits });
  return new KFold({ n_splits });
}
