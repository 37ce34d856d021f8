import type { EstimatorJSON } from '../base/estimator.js';
import type { ModelType } from '../model-types.js';
import { savedStackingTask, StackingClassifier, StackingRegressor } from './stacking.js';
import { savedVotingTask, VotingClassifier, VotingRegressor } from './voting.js';

/**
 * voting and stacking, for classification and regression. Members may be any
 * registered type, so the ensemble asks for scaled features (linear members
 * want them; trees do not care) and no missing values (linear members
 * cannot take them).
 *
 * Import this through src/ml/model-types.ts, not directly first: the
 * ensembles build members through that registry, so the two modules form an
 * import cycle that only resolves when the registry starts loading first.
 * Every registry call below happens at run time, never at load.
 */
export const ensembleModelTypes: Record<string, ModelType> = {
  voting: {
    tasks: ['classification', 'regression'],
    wantsScaling: true,
    create: (params, task) => (task === 'classification' ? new VotingClassifier(params) : new VotingRegressor(params)),
    fromJSON: (json: EstimatorJSON) =>
      savedVotingTask(json) === 'classification' ? VotingClassifier.fromJSON(json) : VotingRegressor.fromJSON(json),
  },
  stacking: {
    tasks: ['classification', 'regression'],
    wantsScaling: true,
    create: (params, task) => (task === 'classification' ? new StackingClassifier(params) : new StackingRegressor(params)),
    fromJSON: (json: EstimatorJSON) =>
      savedStackingTask(json) === 'classification' ? StackingClassifier.fromJSON(json) : StackingRegressor.fromJSON(json),
  },
};
