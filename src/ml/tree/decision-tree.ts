import type { EstimatorJSON } from '../base/estimator.js';
import { checkChoice, checkNumber, withDefaults, type Params } from '../base/params.js';
import { ForestClassifier, ForestRegressor, type ForestSettings } from './forest-base.js';
import { checkMaxFeatures, type MaxFeatures } from './tree-params.js';

/** Hyperparameters of the decision trees (scikit-learn names). */
export interface DecisionTreeParams extends Params {
  /**
   * Split quality: 'gini' (classifier) or 'squared_error' (regressor), the only one each supports.
   * @defaultValue 'gini' | 'squared_error'
   */
  criterion: string;
  /**
   * Deepest level; null grows until leaves are pure or too small.
   * @defaultValue null
   */
  max_depth: number | null;
  /**
   * Fewest rows a node needs to be split.
   * @defaultValue 2
   */
  min_samples_split: number;
  /**
   * Fewest rows in a leaf.
   * @defaultValue 1
   */
  min_samples_leaf: number;
  /**
   * Features drawn per split: 'sqrt', 'log2', an int, a fraction, or null for all.
   * @defaultValue null
   */
  max_features: MaxFeatures;
  /**
   * Most value bins per feature (missing values get one more).
   * @defaultValue 255
   */
  max_bin: number;
  /**
   * Seed for the order features are tried in (and for max_features draws).
   * @defaultValue 0
   */
  seed: number;
}

function validate(name: string, criterion: string, params: Params): DecisionTreeParams {
  const defaults: DecisionTreeParams = { criterion, max_depth: null, min_samples_split: 2, min_samples_leaf: 1, max_features: null, max_bin: 255, seed: 0 };
  const p = withDefaults(name, defaults, params);
  checkChoice(name, 'criterion', p.criterion, [criterion]);
  checkNumber(name, 'max_depth', p.max_depth, { kind: 'int', min: 1, nullable: true });
  checkNumber(name, 'min_samples_split', p.min_samples_split, { kind: 'int', min: 2 });
  checkNumber(name, 'min_samples_leaf', p.min_samples_leaf, { kind: 'int', min: 1 });
  checkMaxFeatures(name, p.max_features);
  checkNumber(name, 'max_bin', p.max_bin, { kind: 'int', min: 2, max: 255 });
  checkNumber(name, 'seed', p.seed, { kind: 'int', min: 0 });
  return p;
}

function settings(p: DecisionTreeParams): ForestSettings {
  return {
    nEstimators: 1,
    maxDepth: p.max_depth,
    minSamplesSplit: p.min_samples_split,
    minSamplesLeaf: p.min_samples_leaf,
    maxFeatures: p.max_features,
    bootstrap: false,
    maxBin: p.max_bin,
    seed: p.seed,
    nJobs: 1,
  };
}

/** scikit-learn's DecisionTreeClassifier (gini) on binned features; missing values allowed. */
export class DecisionTreeClassifier extends ForestClassifier {
  readonly type = 'decision_tree';
  protected readonly name = 'DecisionTreeClassifier';

  constructor(params: Params = {}) {
    super(validate('DecisionTreeClassifier', 'gini', params));
  }

  protected settings(): ForestSettings {
    return settings(this.params as DecisionTreeParams);
  }

  clone(): DecisionTreeClassifier {
    return new DecisionTreeClassifier(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): DecisionTreeClassifier {
    return ForestClassifier.restore(json, 'decision_tree', (p) => new DecisionTreeClassifier(p));
  }
}

/** scikit-learn's DecisionTreeRegressor (squared error) on binned features; missing values allowed. */
export class DecisionTreeRegressor extends ForestRegressor {
  readonly type = 'decision_tree';
  protected readonly name = 'DecisionTreeRegressor';

  constructor(params: Params = {}) {
    super(validate('DecisionTreeRegressor', 'squared_error', params));
  }

  protected settings(): ForestSettings {
    return settings(this.params as DecisionTreeParams);
  }

  clone(): DecisionTreeRegressor {
    return new DecisionTreeRegressor(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): DecisionTreeRegressor {
    return ForestRegressor.restore(json, 'decision_tree', (p) => new DecisionTreeRegressor(p));
  }
}
