import { ParameterError } from '../base/errors.js';
import type { EstimatorJSON, Task } from '../base/estimator.js';
import type { Params } from '../base/params.js';
import type { ModelType } from '../model-types.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './decision-tree.js';
import { GradientBoostingClassifier, GradientBoostingRegressor } from './gradient-boosting.js';
import { RandomForestClassifier, RandomForestRegressor } from './random-forest.js';

interface Pair {
  classifier: { new (params: Params): GradientBoostingClassifier | RandomForestClassifier | DecisionTreeClassifier; fromJSON(json: EstimatorJSON): GradientBoostingClassifier | RandomForestClassifier | DecisionTreeClassifier };
  regressor: { new (params: Params): GradientBoostingRegressor | RandomForestRegressor | DecisionTreeRegressor; fromJSON(json: EstimatorJSON): GradientBoostingRegressor | RandomForestRegressor | DecisionTreeRegressor };
}

function entry(type: string, pair: Pair, extra: Partial<ModelType> = {}): ModelType {
  return {
    ...extra,
    tasks: ['classification', 'regression'],
    handlesMissing: true,
    create(params: Params, task: Task | 'timeseries') {
      if (task === 'classification') return new pair.classifier(params);
      if (task === 'regression') return new pair.regressor(params);
      throw new ParameterError(`Model type '${type}' does not support task '${task}'. It supports: classification, regression.`, 'task');
    },
    fromJSON(json: EstimatorJSON) {
      const task = (json?.state as { task?: unknown } | null)?.task;
      return task === 'classification' ? pair.classifier.fromJSON(json) : pair.regressor.fromJSON(json);
    },
  };
}

/** The tree learners by model.type (`xgboost` is an alias of gradient_boosting in TYPE_ALIASES). */
export const treeModelTypes: Record<string, ModelType> = {
  gradient_boosting: entry(
    'gradient_boosting',
    { classifier: GradientBoostingClassifier, regressor: GradientBoostingRegressor },
    { rounds: (params) => new GradientBoostingRegressor(params).getParams().n_estimators },
  ),
  decision_tree: entry('decision_tree', { classifier: DecisionTreeClassifier, regressor: DecisionTreeRegressor }),
  random_forest: entry('random_forest', { classifier: RandomForestClassifier, regressor: RandomForestRegressor }),
};
