import type { EstimatorJSON } from '../base/estimator.js';
import { checkBoolean, checkChoice, checkNumber, withDefaults, type Params } from '../base/params.js';
import { ForestClassifier, ForestRegressor, type ForestSettings } from './forest-base.js';
import { checkJobs, checkMaxFeatures, type MaxFeatures } from './tree-params.js';

/** Hyperparameters of the random forests (scikit-learn names). */
export interface RandomForestParams extends Params {
  /**
   * Trees in the forest.
   * @defaultValue 100
   */
  n_estimators: number;
  /**
   * Split quality: 'gini' (classifier) or 'squared_error' (regressor), the only one each supports.
   * @defaultValue 'gini' | 'squared_error'
   */
  criterion: string;
  /**
   * Deepest level of a tree; null grows until leaves are pure or too small.
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
   * @defaultValue 'sqrt' (classifier), null (regressor)
   */
  max_features: MaxFeatures;
  /**
   * Each tree sees a bootstrap sample (rows drawn with replacement).
   * @defaultValue true
   */
  bootstrap: boolean;
  /**
   * Most value bins per feature (missing values get one more).
   * @defaultValue 255
   */
  max_bin: number;
  /**
   * Seed of the per-tree seeds.
   * @defaultValue 0
   */
  seed: number;
  /**
   * Threads growing trees (-1: one per CPU). 1 by default so a fit already
   * running in a thread pool does not start threads unless asked.
   * @defaultValue 1
   */
  n_jobs: number;
}

export function validateForestParams(name: string, defaults: RandomForestParams, params: Params, criteria: readonly string[]): RandomForestParams {
  const p = withDefaults(name, defaults, params);
  checkNumber(name, 'n_estimators', p.n_estimators, { kind: 'int', min: 1 });
  checkChoice(name, 'criterion', p.criterion, criteria);
  checkNumber(name, 'max_depth', p.max_depth, { kind: 'int', min: 1, nullable: true });
  checkNumber(name, 'min_samples_split', p.min_samples_split, { kind: 'int', min: 2 });
  checkNumber(name, 'min_samples_leaf', p.min_samples_leaf, { kind: 'int', min: 1 });
  checkMaxFeatures(name, p.max_features);
  checkBoolean(name, 'bootstrap', p.bootstrap);
  checkNumber(name, 'max_bin', p.max_bin, { kind: 'int', min: 2, max: 255 });
  checkNumber(name, 'seed', p.seed, { kind: 'int', min: 0 });
  checkJobs(name, p.n_jobs);
  return p;
}

export function forestSettings(p: RandomForestParams): ForestSettings {
  return {
    nEstimators: p.n_estimators,
    maxDepth: p.max_depth,
    minSamplesSplit: p.min_samples_split,
    minSamplesLeaf: p.min_samples_leaf,
    maxFeatures: p.max_features,
    bootstrap: p.bootstrap,
    maxBin: p.max_bin,
    seed: p.seed,
    nJobs: p.n_jobs,
  };
}

const COMMON = { n_estimators: 100, max_depth: null, min_samples_split: 2, min_samples_leaf: 1, bootstrap: true, max_bin: 255, seed: 0, n_jobs: 1 };
const CLASSIFIER_DEFAULTS: RandomForestParams = { ...COMMON, criterion: 'gini', max_features: 'sqrt' };
const REGRESSOR_DEFAULTS: RandomForestParams = { ...COMMON, criterion: 'squared_error', max_features: null };

/** scikit-learn's RandomForestClassifier on binned features; missing values allowed. */
export class RandomForestClassifier extends ForestClassifier {
  readonly type = 'random_forest';
  protected readonly name = 'RandomForestClassifier';

  constructor(params: Params = {}) {
    super(validateForestParams('RandomForestClassifier', CLASSIFIER_DEFAULTS, params, ['gini']));
  }

  protected settings(): ForestSettings {
    return forestSettings(this.params as RandomForestParams);
  }

  clone(): RandomForestClassifier {
    return new RandomForestClassifier(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): RandomForestClassifier {
    return ForestClassifier.restore(json, 'random_forest', (p) => new RandomForestClassifier(p));
  }
}

/** scikit-learn's RandomForestRegressor on binned features; missing values allowed. */
export class RandomForestRegressor extends ForestRegressor {
  readonly type = 'random_forest';
  protected readonly name = 'RandomForestRegressor';

  constructor(params: Params = {}) {
    super(validateForestParams('RandomForestRegressor', REGRESSOR_DEFAULTS, params, ['squared_error']));
  }

  protected settings(): ForestSettings {
    return forestSettings(this.params as RandomForestParams);
  }

  clone(): RandomForestRegressor {
    return new RandomForestRegressor(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): RandomForestRegressor {
    return ForestRegressor.restore(json, 'random_forest', (p) => new RandomForestRegressor(p));
  }
}
