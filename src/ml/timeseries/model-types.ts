import type { ModelType } from '../model-types.js';
import { Autoregressive } from './autoregressive.js';
import { HoltWinters } from './holt-winters.js';
import { LagGradientBoosting } from './lag-gradient-boosting.js';
import { LSTMForecaster } from './lstm.js';

// Entries refer to the classes only inside functions: lag_gradient_boosting
// imports the registry back (to build its regressor), and this cycle is safe
// only while nothing here touches a class at module evaluation.
/** The univariate forecasters (`task: timeseries`). */
export const timeseriesModelTypes: Record<string, ModelType> = {
  holt_winters: {
    tasks: ['timeseries'],
    create: (params) => new HoltWinters(params),
    fromJSON: (json) => HoltWinters.fromJSON(json),
  },
  autoregressive: {
    tasks: ['timeseries'],
    create: (params) => new Autoregressive(params),
    fromJSON: (json) => Autoregressive.fromJSON(json),
  },
  lag_gradient_boosting: {
    tasks: ['timeseries'],
    create: (params) => new LagGradientBoosting(params),
    fromJSON: (json) => LagGradientBoosting.fromJSON(json),
  },
  lstm: {
    tasks: ['timeseries'],
    create: (params) => new LSTMForecaster(params),
    fromJSON: (json) => LSTMForecaster.fromJSON(json),
  },
};
