import { checkFeatureCount, checkXY } from '../base/checks.js';
import { AbortError, DataError, NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, isClassifier, type Classifier, type Estimator, type EstimatorJSON, type FitOptions, type Task } from '../base/estimator.js';
import { encodeLabels } from '../base/labels.js';
import { createMatrix, take, takeRows, type Matrix } from '../base/matrix.js';
import { checkBoolean, checkChoice, checkNumber, withDefaults, type Params, type ParamValue } from '../base/params.js';
import { KFold } from '../model-selection/k-fold.js';
import type { Fold } from '../model-selection/splitter.js';
import { StratifiedKFold } from '../model-selection/stratified-k-fold.js';
import { buildMember, buildMembers, copyParams, memberFitOptions, restoreMember } from './members.js';

/** Hyperparameters shared by {@link StackingClassifier} and {@link StackingRegressor} (scikit-learn names). */
export interface StackingParams extends Params {
  /** The base members: `[{type, hyperparameters?}]`. */
  estimators: ParamValue[];
  /**
   * `{type, hyperparameters?}` of the model fitted on the members'
   * out-of-fold predictions; null means logistic_regression (classification)
   * or ridge (regression; scikit-learn uses RidgeCV).
   * @defaultValue null
   */
  final_estimator: ParamValue;
  /**
   * Number of folds for the out-of-fold predictions: scikit-learn's
   * StratifiedKFold for classification, KFold for regression (see
   * src/ml/model-selection; stratification needs every class to have at
   * least `cv` rows).
   * @defaultValue 5
   */
  cv: number;
  /**
   * Also give the final estimator the original features (after the predictions).
   * @defaultValue false
   */
  passthrough: boolean;
  /**
   * null keeps the folds in data order (scikit-learn's int `cv`, the exact
   * same folds); an int shuffles them with that seed.
   * @defaultValue null
   */
  random_state: number | null;
}

/** Hyperparameters of {@link StackingClassifier}. */
export interface StackingClassifierParams extends StackingParams {
  /**
   * What the members pass on: 'auto' and 'predict_proba' use probabilities
   * (dropping the first column for two classes, as scikit-learn), 'predict'
   * the predicted class index.
   * @defaultValue 'auto'
   */
  stack_method: string;
}

interface StackingState {
  nFeatures: number;
  classes?: Float64Array;
}

/**
 * Stacking (scikit-learn's StackingClassifier / StackingRegressor): each
 * member's predictions on the rows it did not see in a K-fold split train
 * the final estimator; the members are then refitted on all rows for predict.
 */
abstract class Stacking<F extends Estimator> implements Estimator {
  readonly type = 'stacking';
  abstract readonly task: Task;
  protected abstract readonly name: string;
  protected readonly params: StackingParams;
  protected members: Estimator[];
  protected final: F;
  protected state?: StackingState;

  protected constructor(name: string, task: Task, defaults: StackingParams, params: Params) {
    const p = withDefaults(name, defaults, params);
    checkNumber(name, 'cv', p.cv, { kind: 'int', min: 2 });
    checkBoolean(name, 'passthrough', p.passthrough);
    checkNumber(name, 'random_state', p.random_state, { kind: 'int', min: 0, max: 4294967295, nullable: true });
    this.members = buildMembers(name, p.estimators, task);
    const finalSpec = p.final_estimator ?? { type: task === 'classification' ? 'logistic_regression' : 'ridge' };
    this.final = buildMember(name, 'final_estimator', finalSpec, task) as F;
    this.params = copyParams(p);
  }

  abstract getParams(): StackingParams;
  abstract clone(): Stacking<F>;

  /** Columns one member contributes to the final estimator's input. */
  protected abstract memberWidth(): number;
  /** Writes one member's predictions for X into rows `rows` (or 0..n−1) of meta, starting at column `col`. */
  protected abstract writeMember(member: Estimator, X: Matrix, meta: Matrix, col: number, rows?: Int32Array): void;
  /** The K splits for the out-of-fold predictions (validated before any member is fitted). */
  protected abstract folds(X: Matrix, y: Float64Array, k: number, seed: number | null): Iterable<Fold>;

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkXY(this.name, X, y, true);
    const classes = this.task === 'classification' ? encodeLabels(y, this.name).classes : undefined;
    this.state = undefined;
    this.prepare(classes);
    const { cv: k, random_state: seed } = this.params;
    let folds: Iterable<Fold>;
    try {
      folds = this.folds(X, y, k, seed);
    } catch (err) {
      if (err instanceof DataError) throw new DataError(`${this.name} (cv=${k}): ${err.message}`, err.details);
      throw err;
    }
    const width = this.memberWidth();
    const meta = createMatrix(X.rows, this.members.length * width + (this.params.passthrough ? X.cols : 0));
    const memberOptions = memberFitOptions(options);
    const total = this.members.length * (k + 1) + 1;
    let step = 0;
    const tick = (): void => {
      options.onProgress?.({ step: ++step, total });
    };
    const checkAbort = (): void => {
      if (options.signal?.aborted) throw new AbortError();
    };

    for (const [train, test] of folds) {
      const Xtrain = takeRows(X, train);
      const ytrain = take(y, train);
      const Xtest = takeRows(X, test);
      this.members.forEach((member, m) => {
        checkAbort();
        const fitted = member.clone().fit(Xtrain, ytrain, memberOptions);
        this.writeMember(fitted, Xtest, meta, m * width, test);
        tick();
      });
    }
    this.members = this.members.map((member) => {
      checkAbort();
      const fitted = member.clone().fit(X, y, memberOptions);
      tick();
      return fitted;
    });
    if (this.params.passthrough) copyColumns(X, meta, this.members.length * width);
    checkAbort();
    this.final = this.final.clone().fit(meta, y, { signal: options.signal }) as F;
    tick();
    this.state = { nFeatures: X.cols, classes };
    return this;
  }

  /** Hook for the classifier to learn the classes before the folds run. */
  protected prepare(_classes: Float64Array | undefined): void {}

  predict(X: Matrix): Float64Array {
    return this.final.predict(this.transform(X));
  }

  /** The final estimator's input for X: member predictions (then X itself with passthrough). */
  transform(X: Matrix): Matrix {
    const { nFeatures } = this.fitted();
    checkFeatureCount(this.name, X, nFeatures);
    const width = this.memberWidth();
    const meta = createMatrix(X.rows, this.members.length * width + (this.params.passthrough ? X.cols : 0));
    this.members.forEach((member, m) => this.writeMember(member, X, meta, m * width));
    if (this.params.passthrough) copyColumns(X, meta, this.members.length * width);
    return meta;
  }

  /** The members refitted on all rows, in the order of `estimators` (scikit-learn `estimators_`). */
  get estimators(): readonly Estimator[] {
    this.fitted();
    return this.members;
  }

  /** The fitted final estimator (scikit-learn `final_estimator_`). */
  get finalEstimator(): F {
    this.fitted();
    return this.final;
  }

  get isFitted(): boolean {
    return this.state !== undefined;
  }

  toJSON(): EstimatorJSON {
    const s = this.state;
    const state = s
      ? {
          task: this.task,
          fitted: true,
          nFeatures: s.nFeatures,
          ...(s.classes ? { classes: Array.from(s.classes) } : {}),
          members: this.members.map((m) => m.toJSON()),
          final: this.final.toJSON(),
        }
      : { task: this.task, fitted: false };
    return estimatorJSON(this.type, this.getParams(), state);
  }

  /** Restores members, final estimator and shape from a saved state (validated). */
  protected loadState(json: EstimatorJSON): void {
    if (json?.format !== 'trainyard.estimator' || json.formatVersion !== 1 || json.type !== 'stacking') {
      throw new ParameterError(`${this.name}.fromJSON: not a saved 'stacking' estimator`);
    }
    const state = json.state as Record<string, unknown> | null;
    if (typeof state !== 'object' || state === null) throw new ParameterError(`${this.name}.fromJSON: state must be an object`);
    if (state.fitted === false) return;
    if (state.fitted !== true) throw new ParameterError(`${this.name}.fromJSON: state.fitted must be a boolean`);
    if (!Array.isArray(state.members) || state.members.length !== this.members.length) {
      throw new ParameterError(`${this.name}.fromJSON: state.members must hold ${this.members.length} saved estimators`);
    }
    const nFeatures = state.nFeatures;
    if (typeof nFeatures !== 'number' || !Number.isInteger(nFeatures) || nFeatures < 0) {
      throw new ParameterError(`${this.name}.fromJSON: state.nFeatures must be an int >= 0`);
    }
    let classes: Float64Array | undefined;
    if (this.task === 'classification') {
      const c = state.classes;
      if (!Array.isArray(c) || c.length < 2 || !c.every((v, i, a) => typeof v === 'number' && Number.isFinite(v) && (i === 0 || v > a[i - 1]))) {
        throw new ParameterError(`${this.name}.fromJSON: state.classes must be at least 2 sorted, distinct numbers`);
      }
      classes = Float64Array.from(c as number[]);
    }
    this.members = state.members.map((m, i) => restoreMember(this.name, m, this.members[i], `state.members[${i}]`));
    this.final = restoreMember(this.name, state.final, this.final, 'state.final') as F;
    this.prepare(classes);
    this.state = { nFeatures, classes };
  }

  protected fitted(): StackingState {
    if (!this.state) throw new NotFittedError(this.name);
    return this.state;
  }
}

/** Appends X's columns to meta starting at column `from`. */
function copyColumns(X: Matrix, meta: Matrix, from: number): void {
  for (let i = 0; i < X.rows; i++) meta.data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * meta.cols + from);
}

const CLASSIFIER = 'StackingClassifier';
const REGRESSOR = 'StackingRegressor';

/** scikit-learn's StackingClassifier; the final estimator gives predict and predictProba. */
export class StackingClassifier extends Stacking<Classifier> implements Classifier {
  readonly task = 'classification' as const;
  protected readonly name = CLASSIFIER;
  private classIndex = new Map<number, number>();
  private nClasses = 0;

  constructor(params: Params = {}) {
    const defaults: StackingClassifierParams = {
      estimators: [],
      final_estimator: null,
      cv: 5,
      passthrough: false,
      random_state: null,
      stack_method: 'auto',
    };
    super(CLASSIFIER, 'classification', defaults, params);
    checkChoice(CLASSIFIER, 'stack_method', this.params.stack_method, ['auto', 'predict_proba', 'predict']);
    if (!isClassifier(this.final)) {
      throw new ParameterError(`The 'final_estimator' parameter of ${CLASSIFIER} must be a classifier`, 'final_estimator');
    }
  }

  getParams(): StackingClassifierParams {
    return copyParams(this.params as StackingClassifierParams);
  }

  clone(): StackingClassifier {
    return new StackingClassifier(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): StackingClassifier {
    const model = new StackingClassifier(json?.params);
    model.loadState(json);
    return model;
  }

  get classes(): Float64Array {
    return this.fitted().classes!;
  }

  predictProba(X: Matrix): Matrix {
    return this.final.predictProba(this.transform(X));
  }

  protected prepare(classes: Float64Array | undefined): void {
    if (!classes) return;
    this.nClasses = classes.length;
    this.classIndex = new Map();
    classes.forEach((c, i) => this.classIndex.set(c, i));
  }

  private usesProba(): boolean {
    return (this.params as StackingClassifierParams).stack_method !== 'predict';
  }

  protected memberWidth(): number {
    if (!this.usesProba()) return 1;
    return this.nClasses === 2 ? 1 : this.nClasses;
  }

  protected folds(X: Matrix, y: Float64Array, k: number, seed: number | null): Iterable<Fold> {
    return new StratifiedKFold({ n_splits: k, shuffle: seed !== null, random_state: seed }).split(X, y);
  }

  protected writeMember(member: Estimator, X: Matrix, meta: Matrix, col: number, rows?: Int32Array): void {
    const classifier = member as Classifier;
    const stride = meta.cols;
    const rowOf = (i: number): number => (rows ? rows[i] : i);
    if (!this.usesProba()) {
      const labels = classifier.predict(X);
      for (let i = 0; i < X.rows; i++) meta.data[rowOf(i) * stride + col] = this.classIndex.get(labels[i])!;
      return;
    }
    const proba = classifier.predictProba(X);
    // A fold's member may have missed a rare class: place its columns by label.
    const memberClasses = classifier.classes;
    const width = this.memberWidth();
    for (let j = 0; j < memberClasses.length; j++) {
      const c = this.classIndex.get(memberClasses[j])!;
      const target = width === 1 ? (c === 1 ? 0 : -1) : c;
      if (target < 0) continue;
      for (let i = 0; i < X.rows; i++) meta.data[rowOf(i) * stride + col + target] = proba.data[i * memberClasses.length + j];
    }
  }
}

/** scikit-learn's StackingRegressor. */
export class StackingRegressor extends Stacking<Estimator> {
  readonly task = 'regression' as const;
  protected readonly name = REGRESSOR;

  constructor(params: Params = {}) {
    const defaults: StackingParams = { estimators: [], final_estimator: null, cv: 5, passthrough: false, random_state: null };
    super(REGRESSOR, 'regression', defaults, params);
  }

  getParams(): StackingParams {
    return copyParams(this.params);
  }

  clone(): StackingRegressor {
    return new StackingRegressor(this.getParams());
  }

  static fromJSON(json: EstimatorJSON): StackingRegressor {
    const model = new StackingRegressor(json?.params);
    model.loadState(json);
    return model;
  }

  protected memberWidth(): number {
    return 1;
  }

  protected folds(X: Matrix, _y: Float64Array, k: number, seed: number | null): Iterable<Fold> {
    return new KFold({ n_splits: k, shuffle: seed !== null, random_state: seed }).split(X);
  }

  protected writeMember(member: Estimator, X: Matrix, meta: Matrix, col: number, rows?: Int32Array): void {
    const pred = member.predict(X);
    for (let i = 0; i < X.rows; i++) meta.data[(rows ? rows[i] : i) * meta.cols + col] = pred[i];
  }
}

/** The task a saved 'stacking' model was built for. */
export function savedStackingTask(json: EstimatorJSON): 'classification' | 'regression' {
  const task = (json?.state as { task?: unknown } | null)?.task;
  if (task !== 'classification' && task !== 'regression') {
    throw new ParameterError(`stacking.fromJSON: state.task must be 'classification' or 'regression'`);
  }
  return task;
}
