import { DataError, ParameterError } from '../base/errors.js';
import { checkBoolean, checkNumber, withDefaults, type Params } from '../base/params.js';
import { ShuffleSplit } from './shuffle-split.js';
import { checkSize, resolveSizes } from './splitter-params.js';
import { sampleCount, type Fold, type SplitSamples, type Splitter } from './splitter.js';
import { StratifiedShuffleSplit } from './stratified-shuffle-split.js';

/** Options of {@link trainTestSplit} (scikit-learn names). */
export interface TrainTestSplitOptions {
  /** An int >= 1 is a count, a number in (0, 1) a fraction; null means the rest after train_size, or 0.25. @defaultValue null */
  test_size?: number | null;
  /** As test_size; null means all the others. @defaultValue null */
  train_size?: number | null;
  /** Seed of our Rng (not numpy's); null means 0. @defaultValue null */
  random_state?: number | null;
  /** false keeps the order: the first samples train, the next ones test. @defaultValue true */
  shuffle?: boolean;
  /** Class labels whose shares both sets keep (needs shuffle). @defaultValue undefined */
  stratify?: Float64Array;
}

const DEFAULTS = { test_size: null, train_size: null, random_state: null, shuffle: true };

/**
 * One train/test split, as index arrays (ascending) to pass to `takeRows` and
 * `take`. Unlike scikit-learn's `train_test_split`, it returns indices, not
 * the split arrays.
 */
export function trainTestSplit(X: SplitSamples, options: TrainTestSplitOptions = {}): Fold {
  const name = 'train_test_split';
  const { stratify, ...rest } = options;
  const p = withDefaults(name, DEFAULTS as Params, rest as Params);
  const testSize = checkSize(name, 'test_size', p.test_size);
  const trainSize = checkSize(name, 'train_size', p.train_size);
  const randomState = checkNumber(name, 'random_state', p.random_state, { kind: 'int', min: 0, max: 4294967295, nullable: true });
  const shuffle = checkBoolean(name, 'shuffle', p.shuffle);
  const n = sampleCount(name, X, stratify);
  if (n === 0) throw new DataError(`${name}: found an empty dataset (0 samples); at least 1 is required`);
  const test = testSize === null && trainSize === null ? 0.25 : testSize;
  if (!shuffle) {
    if (stratify) throw new ParameterError(`${name}: a stratified split cannot be made with shuffle=false (as in scikit-learn); use shuffle=true`, 'stratify');
    const [nTrain, nTest] = resolveSizes(name, n, test, trainSize, 0.25);
    const train = new Int32Array(nTrain);
    const held = new Int32Array(nTest);
    for (let i = 0; i < nTrain; i++) train[i] = i;
    for (let i = 0; i < nTest; i++) held[i] = nTrain + i;
    return [train, held];
  }
  const params = { n_splits: 1, test_size: test, train_size: trainSize, random_state: randomState };
  const splitter: Splitter = stratify ? new StratifiedShuffleSplit(params) : new ShuffleSplit(params);
  return splitter.split(n, stratify).next().value as Fold;
}
