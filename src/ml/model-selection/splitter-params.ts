import { ParameterError } from '../base/errors.js';
import { checkBoolean, checkNumber, type Params } from '../base/params.js';

/** Validates the shuffle / random_state pair shared by the k-fold splitters; returns the seed to use. */
export function checkShuffle(splitter: string, shuffle: unknown, randomState: unknown): { shuffle: boolean; seed: number } {
  const sh = checkBoolean(splitter, 'shuffle', shuffle);
  const rs = checkNumber(splitter, 'random_state', randomState, { kind: 'int', min: 0, max: 4294967295, nullable: true });
  if (!sh && rs !== null) {
    throw new ParameterError(
      `${splitter}: setting a random_state has no effect since shuffle is false. Leave random_state at its default (null), or set shuffle to true.`,
      'random_state',
    );
  }
  // an unset random_state still gives a fixed shuffle: runs are reproducible by default
  return { shuffle: sh, seed: rs ?? 0 };
}

/**
 * A test_size or train_size: an int >= 1 is a count of samples, a number
 * strictly between 0 and 1 a fraction of them (as scikit-learn's int/float
 * distinction, which JSON cannot carry: 1 is one sample, 0.5 half).
 */
export function checkSize(splitter: string, name: string, value: unknown): number | null {
  if (value === null) return null;
  const ok = typeof value === 'number' && Number.isFinite(value) && (Number.isInteger(value) ? value >= 1 : value > 0 && value < 1);
  if (!ok) {
    throw new ParameterError(
      `The '${name}' parameter of ${splitter} must be an int >= 1 (a number of samples), a float in the range (0, 1) (a fraction) or null. Got ${JSON.stringify(value)} instead.`,
      name,
    );
  }
  return value as number;
}

/** Number of (train, test) samples for a shuffled split, with scikit-learn's rounding: test rounds up, train down. */
export function resolveSizes(splitter: string, n: number, testSize: number | null, trainSize: number | null, defaultTest: number): [number, number] {
  const isFraction = (v: number | null) => v !== null && !Number.isInteger(v);
  const test = testSize === null && trainSize === null ? defaultTest : testSize;
  if (test !== null && !isFraction(test) && test >= n) {
    throw new ParameterError(`${splitter}: test_size=${test} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`, 'test_size');
  }
  if (trainSize !== null && !isFraction(trainSize) && trainSize >= n) {
    throw new ParameterError(`${splitter}: train_size=${trainSize} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`, 'train_size');
  }
  if (isFraction(test) && isFraction(trainSize) && test! + trainSize! > 1) {
    throw new ParameterError(`${splitter}: the sum of test_size and train_size = ${test! + trainSize!} should be in the (0, 1) range. Reduce test_size and/or train_size.`, 'test_size');
  }
  let nTest = test === null ? NaN : isFraction(test) ? Math.ceil(test * n) : test;
  let nTrain = trainSize === null ? NaN : isFraction(trainSize) ? Math.floor(trainSize * n) : trainSize;
  if (trainSize === null) nTrain = n - nTest;
  else if (test === null) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new ParameterError(`${splitter}: the sum of train_size and test_size = ${nTrain + nTest} should be smaller than the number of samples ${n}. Reduce test_size and/or train_size.`, 'test_size');
  }
  if (nTrain === 0) {
    throw new ParameterError(`${splitter}: with n_samples=${n}, test_size=${test} and train_size=${trainSize}, the resulting train set will be empty. Adjust any of the aforementioned parameters.`, 'train_size');
  }
  if (nTest === 0) {
    throw new ParameterError(`${splitter}: with n_samples=${n}, test_size=${test} and train_size=${trainSize}, the resulting test set will be empty. Adjust any of the aforementioned parameters.`, 'test_size');
  }
  return [nTrain, nTest];
}

export function copyParams<P extends Params>(p: P): P {
  return JSON.parse(JSON.stringify(p)) as P;
}
