import { DataError } from '../base/errors.js';
import type { ModelType } from '../model-types.js';
import { MLPClassifier } from './mlp-classifier.js';
import { MLPRegressor } from './mlp-regressor.js';

/** The TensorFlow.js models. Fits are synchronous; await `ensureBackend()` once per thread first for speed. */
export const neuralModelTypes: Record<string, ModelType> = {
  mlp: {
    tasks: ['classification', 'regression'],
    wantsScaling: true,
    create: (params, task) => (task === 'classification' ? new MLPClassifier(params) : new MLPRegressor(params)),
    fromJSON: (json) => {
      const task = (json.state as { task?: unknown } | null)?.task;
      if (task === 'classification') return MLPClassifier.fromJSON(json);
      if (task === 'regression') return MLPRegressor.fromJSON(json);
      throw new DataError(`mlp: the saved model has an unknown task ${JSON.stringify(task)}`);
    },
  },
};
