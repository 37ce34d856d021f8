/** Thrown by predict/transform on an estimator that has not been fitted. */
export class NotFittedError extends Error {
  constructor(estimator: string) {
    super(`This ${estimator} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.`);
    this.name = 'NotFittedError';
  }
}

/** A hyperparameter that is unknown, of the wrong type or out of range. */
export class ParameterError extends Error {
  constructor(message: string, readonly parameter?: string) {
    super(message);
    this.name = 'ParameterError';
  }
}

/** Input data that cannot be used: wrong shape, NaN where not allowed, one class, missing features... */
export class DataError extends Error {
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'DataError';
  }
}

/** Thrown by a long fit when its AbortSignal fires. */
export class AbortError extends Error {
  constructor(message = 'The operation was aborted') {
    super(message);
    this.name = 'AbortError';
  }
}
