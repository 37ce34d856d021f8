import { checkFeatureCount, checkXY } from '../base/checks.js';
import { AbortError, NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, isClassifier, type Classifier, type Estimator, type EstimatorJSON, type FitOptions } from '../base/estimator.js';
import { encodeLabels } from '../base/labels.js';
import { createMatrix, type Matrix } from '../base/matrix.js';
import { checkChoice, withDefaults, type Params, type ParamValue } from '../base/params.js';
import { buildMembers, checkWeights, copyParams, memberFitOptions, restoreMember } from './members.js';

/** Hyperparameters of {@link VotingClassifier} (scikit-learn names). */
export interface VotingClassifierParams extends Params {
  /** The members: `[{type, hyperparameters?}]`, classification types. */
  estimators: ParamValue[];
  /**
   * 'hard': weighted majority of predicted labels; 'soft': argmax of the
   * weighted mean of predicted probabilities.
   * @defaultValue 'hard'
   */
  voting: string;
  /**
   * One weight per member, or null for equal weights.
   * @defaultValue null
   */
  weights: number[] | null;
}

/** Hyperparameters of {@link VotingRegressor} (scikit-learn names). */
export interface VotingRegressorParams extends Params {
  /** The members: `[{type, hyperparameters?}]`, regression types. */
  estimators: ParamValue[];
  /**
   * One weight per member, or null for equal weights.
   * @defaultValue null
   */
  weights: number[] | null;
}

const CLASSIFIER = 'VotingClassifier';
const REGRESSOR = 'VotingRegressor';

/** Fits every member on the full data, checking the abort signal and reporting progress between them. */
function fitMembers(members: Estimator[], X: Matrix, y: Float64Array, options: FitOptions): void {
  const memberOptions = memberFitOptions(options);
  members.forEach((member, m) => {
    if (options.signal?.aborted) throw new AbortError();
    member.fit(X, y, memberOptions);
    options.onProgress?.({ step: m + 1, total: members.length });
  });
}

function readSavedState(estimator: string, json: EstimatorJSON, members: number): { fitted: boolean; members: unknown[]; nFeatures: number } {
  if (json?.format !== 'trainyard.estimator' || json.formatVersion !== 1 || json.type !== 'voting') {
    throw new ParameterError(`${estimator}.fromJSON: not a saved 'voting' estimator`);
  }
  const state = json.state as Record<string, unknown> | null;
  if (typeof state !== 'object' || state === null) throw new ParameterError(`${estimator}.fromJSON: state must be an object`);
  if (state.fitted === false) return { fitted: false, members: [], nFeatures: 0 };
  if (state.fitted !== true) throw new ParameterError(`${estimator}.fromJSON: state.fitted must be a boolean`);
  if (!Array.isArray(state.members) || state.members.length !== members) {
    throw new ParameterError(`${estimator}.fromJSON: state.members must hold ${members} saved estimators`);
  }
  const nFeatures = state.nFeatures;
  if (typeof nFeatures !== 'number' || !Number.isInteger(nFeatures) || nFeatures < 0) {
    throw new ParameterError(`${estimator}.fromJSON: state.nFeatures must be an int >= 0`);
  }
  return { fitted: true, members: state.members, nFeatures };
}

/** The task a saved 'voting' model was built for. */
export function savedVotingTask(json: EstimatorJSON): 'classification' | 'regression' {
  const task = (json?.state as { task?: unknown } | null)?.task;
  if (task !== 'classification' && task !== 'regression') {
    throw new ParameterError(`voting.fromJSON: state.task must be 'classification' or 'regression'`);
  }
  return task;
}

/**
 * scikit-learn's VotingClassifier. Members are built through the model-type
 * registry, so any registered classification type can vote.
 *
 * Unlike scikit-learn, `predictProba` also works with hard voting: it gives
 * each class's (weighted) share of the votes, so that probability-based
 * metrics and the predict API still have something meaningful to report.
 */
export class VotingClassifier implements Classifier {
  readonly type = 'voting';
  readonly task = 'classification' as const;
  private readonly params: VotingClassifierParams;
  private readonly weights: Float64Array | null;
  private members: Classifier[];
  private state?: { classes: Float64Array; nFeatures: number };

  constructor(params: Params = {}) {
    const p = withDefaults(CLASSIFIER, { estimators: [], voting: 'hard', weights: null } as VotingClassifierParams, params);
    checkChoice(CLASSIFIER, 'voting', p.voting, ['hard', 'soft']);
    this.members = buildMembers(CLASSIFIER, p.estimators, 'classification') as Classifier[];
    this.weights = checkWeights(CLASSIFIER, p.weights, this.members.length);
    if (p.voting === 'soft') {
      this.members.forEach((member, i) => {
        if (typeof member.predictProba !== 'function') {
          throw new ParameterError(
            `The 'estimators[${i}]' parameter of ${CLASSIFIER}: soft voting needs predictProba, which '${member.type}' does not have`,
            `estimators[${i}]`,
          );
        }
      });
    }
    this.params = copyParams(p);
  }

  getParams(): VotingClassifierParams {
    return copyParams(this.params);
  }

  clone(): VotingClassifier {
    return new VotingClassifier(this.getParams());
  }

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkXY(CLASSIFIER, X, y, true);
    const { classes } = encodeLabels(y, CLASSIFIER);
    this.members = this.members.map((m) => m.clone() as Classifier);
    fitMembers(this.members, X, y, options);
    this.state = { classes, nFeatures: X.cols };
    return this;
  }

  get classes(): Float64Array {
    return this.fitted().classes;
  }

  /** The fitted members, in the order of `estimators` (scikit-learn `estimators_`). */
  get estimators(): readonly Classifier[] {
    this.fitted();
    return this.members;
  }

  get isFitted(): boolean {
    return this.state !== undefined;
  }

  predict(X: Matrix): Float64Array {
    const { classes } = this.fitted();
    const scores = this.scores(X);
    const k = classes.length;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (scores.data[i * k + c] > scores.data[i * k + best]) best = c;
      out[i] = classes[best];
    }
    return out;
  }

  /** Soft: weighted mean of the members' probabilities. Hard: weighted share of the votes. */
  predictProba(X: Matrix): Matrix {
    const scores = this.scores(X);
    const k = scores.cols;
    for (let i = 0; i < scores.rows; i++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += scores.data[i * k + c];
      if (sum > 0) for (let c = 0; c < k; c++) scores.data[i * k + c] /= sum;
    }
    return scores;
  }

  /** Unnormalised per-class weighted votes (hard) or weighted probability sums (soft). */
  private scores(X: Matrix): Matrix {
    const { classes, nFeatures } = this.fitted();
    checkFeatureCount(CLASSIFIER, X, nFeatures);
    const k = classes.length;
    const out = createMatrix(X.rows, k);
    const index = new Map<number, number>();
    classes.forEach((c, i) => index.set(c, i));
    this.members.forEach((member, m) => {
      const w = this.weights ? this.weights[m] : 1;
      if (w === 0) return;
      if (this.params.voting === 'hard') {
        const labels = member.predict(X);
        for (let i = 0; i < X.rows; i++) out.data[i * k + index.get(labels[i])!] += w;
      } else {
        const proba = member.predictProba(X);
        const cols = member.classes;
        for (let i = 0; i < X.rows; i++) {
          for (let j = 0; j < cols.length; j++) out.data[i * k + index.get(cols[j])!] += w * proba.data[i * cols.length + j];
        }
      }
    });
    return out;
  }

  toJSON(): EstimatorJSON {
    const state = this.state
      ? {
          task: this.task,
          fitted: true,
          classes: Array.from(this.state.classes),
          nFeatures: this.state.nFeatures,
          members: this.members.map((m) => m.toJSON()),
        }
      : { task: this.task, fitted: false };
    return estimatorJSON(this.type, this.getParams(), state);
  }

  static fromJSON(json: EstimatorJSON): VotingClassifier {
    const model = new VotingClassifier(json?.params);
    const saved = readSavedState(CLASSIFIER, json, model.members.length);
    if (!saved.fitted) return model;
    const state = json.state as { classes?: unknown };
    if (!Array.isArray(state.classes) || state.classes.length < 2 || !state.classes.every((c, i, a) => typeof c === 'number' && Number.isFinite(c) && (i === 0 || c > a[i - 1]))) {
      throw new ParameterError(`${CLASSIFIER}.fromJSON: state.classes must be at least 2 sorted, distinct numbers`);
    }
    const classes = Float64Array.from(state.classes as number[]);
    model.members = saved.members.map((m, i) => {
      const member = restoreMember(CLASSIFIER, m, model.members[i], `state.members[${i}]`);
      if (!isClassifier(member) || !member.classes.every((c) => classes.includes(c))) {
        throw new ParameterError(`${CLASSIFIER}.fromJSON: state.members[${i}] predicts classes the ensemble does not know`);
      }
      return member;
    });
    model.state = { classes, nFeatures: saved.nFeatures };
    return model;
  }

  private fitted(): { classes: Float64Array; nFeatures: number } {
    if (!this.state) throw new NotFittedError(CLASSIFIER);
    return this.state;
  }
}

/** scikit-learn's VotingRegressor: the weighted mean of the members' predictions. */
export class VotingRegressor implements Estimator {
  readonly type = 'voting';
  readonly task = 'regression' as const;
  private readonly params: VotingRegressorParams;
  private readonly weights: Float64Array | null;
  private members: Estimator[];
  private nFeatures?: number;

  constructor(params: Params = {}) {
    const p = withDefaults(REGRESSOR, { estimators: [], weights: null } as VotingRegressorParams, params);
    this.members = buildMembers(REGRESSOR, p.estimators, 'regression');
    this.weights = checkWeights(REGRESSOR, p.weights, this.members.length);
    this.params = copyParams(p);
  }

  getParams(): VotingRegressorParams {
    return copyParams(this.params);
  }

  clone(): VotingRegressor {
    return new VotingRegressor(this.getParams());
  }

  fit(X: Matrix, y: Float64Array, options: FitOptions = {}): this {
    checkXY(REGRESSOR, X, y, true);
    this.members = this.members.map((m) => m.clone());
    fitMembers(this.members, X, y, options);
    this.nFeatures = X.cols;
    return this;
  }

  /** The fitted members, in the order of `estimators`. */
  get estimators(): readonly Estimator[] {
    this.checkFitted();
    return this.members;
  }

  get isFitted(): boolean {
    return this.nFeatures !== undefined;
  }

  predict(X: Matrix): Float64Array {
    checkFeatureCount(REGRESSOR, X, this.checkFitted());
    const out = new Float64Array(X.rows);
    let total = 0;
    this.members.forEach((member, m) => {
      const w = this.weights ? this.weights[m] : 1;
      if (w === 0) return;
      total += w;
      const pred = member.predict(X);
      for (let i = 0; i < X.rows; i++) out[i] += w * pred[i];
    });
    for (let i = 0; i < X.rows; i++) out[i] /= total;
    return out;
  }

  toJSON(): EstimatorJSON {
    const state =
      this.nFeatures !== undefined
        ? { task: this.task, fitted: true, nFeatures: this.nFeatures, members: this.members.map((m) => m.toJSON()) }
        : { task: this.task, fitted: false };
    return estimatorJSON(this.type, this.getParams(), state);
  }

  static fromJSON(json: EstimatorJSON): VotingRegressor {
    const model = new VotingRegressor(json?.params);
    const saved = readSavedState(REGRESSOR, json, model.members.length);
    if (!saved.fitted) return model;
    model.members = saved.members.map((m, i) => restoreMember(REGRESSOR, m, model.members[i], `state.members[${i}]`));
    model.nFeatures = saved.nFeatures;
    return model;
  }

  private checkFitted(): number {
    if (this.nFeatures === undefined) throw new NotFittedError(REGRESSOR);
    return this.nFeatures;
  }
}
