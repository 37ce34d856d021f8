import type { EstimatorJSON } from '../base/estimator.js';
import type { ModelType } from '../model-types.js';
import { LinearRegression } from './linear-regression.js';
import { LogisticRegression } from './logistic-regression.js';
import { Ridge } from './ridge.js';

/** linear_regression, ridge and logistic_regression; all want standardised features. */
export const linearModelTypes: Record<string, ModelType> = {
  linear_regression: {
    tasks: ['regression'],
    wantsScaling: true,
    create: (params) => new LinearRegression(params),
    fromJSON: (json: EstimatorJSON) => LinearRegression.fromJSON(json),
  },
  ridge: {
    tasks: ['regression'],
    wantsScaling: true,
    create: (params) => new Ridge(params),
    fromJSON: (json: EstimatorJSON) => Ridge.fromJSON(json),
  },
  logistic_regression: {
    tasks: ['classification'],
    wantsScaling: true,
    create: (params) => new LogisticRegression(params),
    fromJSON: (json: EstimatorJSON) => LogisticRegression.fromJSON(json),
  },
};
