import { ParameterError } from '../base/errors.js';
import { checkBoolean, checkChoice, checkKnownParams, checkNumber, type Params } from '../base/params.js';

export type PipelineTask = 'classification' | 'regression' | 'timeseries';

export const PIPELINE_TASKS: readonly PipelineTask[] = ['classification', 'regression', 'timeseries'];

/** The `training` block of a model config. */
export interface TrainingOptions {
  /**
   * Fraction of the fit rows held out as the early-stopping validation set
   * (a seeded, class-stratified shuffle; the tail for time series). Used only
   * with `early_stopping`.
   * @defaultValue 0.1 when early_stopping is on, else 0
   */
  validation_split?: number;
  /**
   * Stop boosting rounds / epochs once the validation score has not improved
   * for `patience` rounds (estimators without early stopping ignore it).
   * @defaultValue false
   */
  early_stopping?: boolean;
  /**
   * Rounds without improvement before stopping.
   * @defaultValue 10
   */
  patience?: number;
  /**
   * Seed of the validation shuffle.
   * @defaultValue 0
   */
  seed?: number;
}

/** How feature columns become model inputs. */
export interface PreprocessingOptions {
  /**
   * Text columns: `'onehot'` (one 0/1 input per category; an unknown category
   * gives all zeros) or `'ordinal'` (one input holding the category's rank in
   * sorted order; an unknown category gives -1, or NaN for estimators that
   * handle missing values).
   * @defaultValue 'onehot'
   */
  encoding?: 'onehot' | 'ordinal';
  /**
   * Missing text values: `'indicator'` makes "missing" a category of its own
   * (when the training rows have any); `'most_frequent'` fills in the most
   * frequent training category.
   * @defaultValue 'indicator'
   */
  categorical_missing?: 'indicator' | 'most_frequent';
  /**
   * Keep at most this many categories per text column (the most frequent);
   * rarer ones are treated as unknown. Guards against id-like columns
   * exploding into thousands of inputs.
   * @defaultValue 100
   */
  max_categories?: number;
}

/** What to train: the model config block plus the task, target and features. */
export interface PipelineSpec {
  /** model.type; aliases such as `xgboost` are accepted */
  type: string;
  hyperparameters?: Params;
  task: PipelineTask;
  /** the column to predict (for time series: the series, in row order) */
  target: string;
  /**
   * Feature columns, in order.
   * @defaultValue every column but the target (ignored for time series)
   */
  features?: string[];
  training?: TrainingOptions;
  preprocessing?: PreprocessingOptions;
}

/** A spec with every default filled in. */
export interface ResolvedSpec {
  type: string;
  hyperparameters: Params;
  task: PipelineTask;
  target: string;
  features: string[] | null;
  training: Required<TrainingOptions>;
  preprocessing: Required<PreprocessingOptions>;
}

const SPEC_KEYS = ['type', 'hyperparameters', 'task', 'target', 'features', 'training', 'preprocessing'];
const TRAINING_KEYS = ['validation_split', 'early_stopping', 'patience', 'seed'];
const PREPROCESSING_KEYS = ['encoding', 'categorical_missing', 'max_categories'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function block(name: string, value: unknown, known: string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ParameterError(`The '${name}' block must be an object. Got ${JSON.stringify(value)} instead.`, name);
  checkKnownParams(name, value as Params, known);
  return value;
}

/**
 * Checks a spec and fills in defaults; every problem is a ParameterError
 * naming the key and the bad value. (The estimator's own hyperparameters are
 * checked by its constructor.)
 */
export function resolveSpec(spec: unknown): ResolvedSpec {
  if (!isPlainObject(spec)) throw new ParameterError(`A pipeline spec must be an object. Got ${JSON.stringify(spec)} instead.`);
  checkKnownParams('the pipeline spec', spec as Params, SPEC_KEYS);
  const { type, task, target, features, hyperparameters } = spec;
  if (typeof type !== 'string' || type === '') {
    throw new ParameterError(`The model 'type' must be a non-empty string. Got ${JSON.stringify(type)} instead.`, 'type');
  }
  checkChoice('the pipeline spec', 'task', task, PIPELINE_TASKS);
  if (typeof target !== 'string' || target === '') {
    throw new ParameterError(`The 'target' must be a column name. Got ${JSON.stringify(target)} instead.`, 'target');
  }
  if (hyperparameters !== undefined && hyperparameters !== null && !isPlainObject(hyperparameters)) {
    throw new ParameterError(`The 'hyperparameters' must be an object. Got ${JSON.stringify(hyperparameters)} instead.`, 'hyperparameters');
  }
  let featureList: string[] | null = null;
  if (features !== undefined && features !== null) {
    if (!Array.isArray(features) || features.some((f) => typeof f !== 'string' || f === '')) {
      throw new ParameterError(`The 'features' must be a list of column names. Got ${JSON.stringify(features)} instead.`, 'features');
    }
    const seen = new Set<string>();
    for (const f of features as string[]) {
      if (seen.has(f)) throw new ParameterError(`The feature '${f}' is listed more than once in 'features'.`, 'features');
      seen.add(f);
    }
    if (seen.has(target)) {
      throw new ParameterError(`The target '${target}' cannot also be a feature; remove it from 'features'.`, 'features');
    }
    if (features.length === 0 && task !== 'timeseries') {
      throw new ParameterError(`The 'features' list is empty; name at least one column or leave it out to use every column.`, 'features');
    }
    featureList = [...(features as string[])];
  }

  const t = block('training', spec.training, TRAINING_KEYS);
  const earlyStopping = t.early_stopping === undefined ? false : checkBoolean('training', 'early_stopping', t.early_stopping);
  const validationSplit =
    t.validation_split === undefined
      ? earlyStopping
        ? 0.1
        : 0
      : checkNumber('training', 'validation_split', t.validation_split, { kind: 'float', min: 0, lt: 1 });
  if (earlyStopping && validationSplit === 0) {
    throw new ParameterError(
      `The 'early_stopping' option of training needs a validation set, but 'validation_split' is 0. Set it to a fraction such as 0.2.`,
      'validation_split',
    );
  }
  const patience = t.patience === undefined ? 10 : checkNumber('training', 'patience', t.patience, { kind: 'int', min: 1 });
  const seed = t.seed === undefined ? 0 : checkNumber('training', 'seed', t.seed, { kind: 'int', min: 0, max: 4294967295 });

  const p = block('preprocessing', spec.preprocessing, PREPROCESSING_KEYS);
  const encoding = p.encoding === undefined ? 'onehot' : checkChoice('preprocessing', 'encoding', p.encoding, ['onehot', 'ordinal'] as const);
  const categoricalMissing =
    p.categorical_missing === undefined
      ? 'indicator'
      : checkChoice('preprocessing', 'categorical_missing', p.categorical_missing, ['indicator', 'most_frequent'] as const);
  const maxCategories =
    p.max_categories === undefined ? 100 : checkNumber('preprocessing', 'max_categories', p.max_categories, { kind: 'int', min: 1 });

  return {
    type,
    hyperparameters: (hyperparameters as Params | undefined) ?? {},
    task: task as PipelineTask,
    target,
    features: featureList,
    training: { validation_split: validationSplit, early_stopping: earlyStopping, patience, seed },
    preprocessing: { encoding, categorical_missing: categoricalMissing, max_categories: maxCategories },
  };
}
