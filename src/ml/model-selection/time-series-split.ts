import { DataError } from '../base/errors.js';
import { checkNumber, withDefaults, type Params } from '../base/params.js';
import { copyParams } from './splitter-params.js';
import { sampleCount, type Fold, type SplitSamples, type Splitter } from './splitter.js';

/** Hyperparameters of {@link TimeSeriesSplit} (scikit-learn names). */
export interface TimeSeriesSplitParams extends Params {
  /** @defaultValue 5 */
  n_splits: number;
  /** Keep at most this many of the latest samples for training; null keeps all. @defaultValue null */
  max_train_size: number | null;
  /** Samples per test fold; null means n_samples // (n_splits + 1). @defaultValue null */
  test_size: number | null;
  /** Samples dropped between the end of training and the start of the test fold. @defaultValue 0 */
  gap: number;
}

const DEFAULTS: TimeSeriesSplitParams = { n_splits: 5, max_train_size: null, test_size: null, gap: 0 };

/**
 * Expanding-window splits for ordered data: each test fold follows its
 * training samples in time, and the test folds tile the end of the series.
 * The folds are exactly scikit-learn's.
 */
export class TimeSeriesSplit implements Splitter {
  readonly name = 'TimeSeriesSplit';
  readonly kind = 'time_series_split';
  private readonly params: TimeSeriesSplitParams;

  constructor(params: Partial<TimeSeriesSplitParams> = {}) {
    const p = withDefaults('TimeSeriesSplit', DEFAULTS, params as Params);
    checkNumber('TimeSeriesSplit', 'n_splits', p.n_splits, { kind: 'int', min: 2 });
    checkNumber('TimeSeriesSplit', 'max_train_size', p.max_train_size, { kind: 'int', min: 1, nullable: true });
    checkNumber('TimeSeriesSplit', 'test_size', p.test_size, { kind: 'int', min: 1, nullable: true });
    checkNumber('TimeSeriesSplit', 'gap', p.gap, { kind: 'int', min: 0 });
    this.params = p;
  }

  getNSplits(): number {
    return this.params.n_splits;
  }

  getParams(): TimeSeriesSplitParams {
    return copyParams(this.params);
  }

  split(X: SplitSamples): IterableIterator<Fold> {
    const n = sampleCount(this.name, X);
    const { n_splits: k, gap, max_train_size: maxTrain } = this.params;
    const testSize = this.params.test_size ?? Math.floor(n / (k + 1));
    if (k + 1 > n) {
      throw new DataError(`TimeSeriesSplit: cannot have number of folds=${k + 1} greater than the number of samples=${n}.`);
    }
    if (n - gap - testSize * k <= 0) {
      throw new DataError(`TimeSeriesSplit: too many splits=${k} for number of samples=${n} with test_size=${testSize} and gap=${gap}.`);
    }
    return (function* () {
      for (let testStart = n - k * testSize; testStart < n; testStart += testSize) {
        const trainEnd = testStart - gap;
        const trainStart = maxTrain !== null && maxTrain < trainEnd ? trainEnd - maxTrain : 0;
        yield [range(trainStart, trainEnd), range(testStart, Math.min(testStart + testSize, n))] as Fold;
      }
    })();
  }
}

function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
