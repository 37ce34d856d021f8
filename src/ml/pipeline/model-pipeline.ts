import { DataError, NotFittedError, ParameterError } from '../base/errors.js';
import {
  isClassifier,
  type Classifier,
  type Estimator,
  type EstimatorJSON,
  type FitOptions,
  type Forecaster,
} from '../base/estimator.js';
import { createMatrix, type Matrix } from '../base/matrix.js';
import type { Params } from '../base/params.js';
import { preview } from '../data/coerce.js';
import { columnNames, findColumn, getColumn, tableFromRecords, type Column, type ColumnSpec, type Table } from '../data/table.js';
import { scoreAll, type ScoreAllOptions } from '../metrics/registry.js';
import { createEstimator, estimatorFromJSON, getModelType, resolveType, type ModelType } from '../model-types.js';
import { ColumnPreprocessor, type PreprocessorJSON } from './column-preprocessor.js';
import { shuffleHoldout, tailHoldout } from './holdout.js';
import { resolveSpec, type PipelineSpec, type PipelineTask, type ResolvedSpec } from './pipeline-spec.js';
import { ClassEncoder, numericTarget, type ClassEncoderJSON } from './target-encoder.js';

export type { PipelineSpec, PipelineTask, PreprocessingOptions, TrainingOptions } from './pipeline-spec.js';
export type { Label } from './target-encoder.js';

/** What predict answers. */
export interface PredictionResult {
  /** one per row: a class label (classification) or a value */
  predictions: (number | string)[];
  /** classification only: one row per prediction, columns in `classes` order */
  probabilities?: number[][];
  /** classification only */
  classes?: (number | string)[];
}

/** The saved form of a fitted pipeline: plain JSON, no NaN or Infinity, no arrays inside arrays. */
export interface PipelineJSON {
  format: 'trainyard.pipeline';
  formatVersion: 1;
  /** the spec with defaults filled in and `features` resolved */
  spec: {
    type: string;
    hyperparameters: Params;
    task: PipelineTask;
    target: string;
    features: string[];
    training: Required<NonNullable<PipelineSpec['training']>>;
    preprocessing: Required<NonNullable<PipelineSpec['preprocessing']>>;
  };
  /** the feature columns the model takes (empty for time series) */
  featureSchema: ColumnSpec[];
  /** the estimator's input columns: `age`, `color=red`, ... */
  featureNames: string[];
  /** null for time series */
  preprocessing: PreprocessorJSON | null;
  /** classification only */
  target: ClassEncoderJSON | null;
  /** time series only: the series the model was fitted on (for forecast scoring) */
  series: number[] | null;
  /** number of rows the estimator was fitted on (after any early-stopping hold-out) */
  trainedRows: number;
  estimator: EstimatorJSON;
}

/** Options of {@link ModelPipeline.evaluate}. */
export interface EvaluateOptions {
  /** metric names to compute instead of the task's default set */
  metrics?: readonly string[];
}

const NAME = 'ModelPipeline';

function allRows(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function listNames(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/**
 * A model as users see it: the spec (type, hyperparameters, task, target,
 * features), the preprocessing learned at fit, the fitted estimator and the
 * class labels, fitted on a Table and saved as one versioned JSON artifact.
 * Tables in, the user's own labels out.
 */
export class ModelPipeline {
  private readonly resolved: ResolvedSpec;
  private readonly modelType: ModelType;
  /** unfitted; cloned at each fit */
  private readonly prototype: Estimator | Forecaster;
  private fitted: Estimator | Forecaster | null = null;
  private preprocessor: ColumnPreprocessor | null = null;
  private encoder: ClassEncoder | null = null;
  private schema: ColumnSpec[] = [];
  private series: Float64Array | null = null;
  private trainedRows = 0;

  /** Validates the spec, the model type, the task and the hyperparameters (ParameterError). */
  constructor(spec: PipelineSpec) {
    this.resolved = resolveSpec(spec);
    const { type, hyperparameters, task } = this.resolved;
    this.modelType = getModelType(type);
    this.prototype = createEstimator(type, hyperparameters, task);
  }

  get task(): PipelineTask {
    return this.resolved.task;
  }

  /** The spec as given, defaults filled in (a copy). */
  get spec(): ResolvedSpec {
    return structuredClone(this.resolved);
  }

  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The feature columns the fitted model takes, with the kind seen at fit. */
  get featureSchema(): readonly ColumnSpec[] {
    return this.schema;
  }

  /** The estimator's input columns after preprocessing (`age`, `color=red`): names for importances. */
  get featureNames(): readonly string[] {
    return this.preprocessor?.featureNames ?? [];
  }

  /** Class labels in sorted order (classification, after fit). */
  get classes(): (number | string)[] | undefined {
    return this.encoder ? [...this.encoder.classes] : undefined;
  }

  /**
   * Boosting rounds a fit of this spec runs when it can run in pieces
   * (`options.rounds`, see FitOptions), else null: the model type must
   * support it and early stopping must be off.
   */
  get rounds(): number | null {
    const { task, training, hyperparameters } = this.resolved;
    if (task === 'timeseries' || training.early_stopping || !this.modelType.rounds) return null;
    return this.modelType.rounds(hyperparameters);
  }

  /** The fitted estimator (for importances and inspection). */
  get estimator(): Estimator | Forecaster {
    return this.requireFitted();
  }

  /** An unfitted pipeline with the same spec. */
  clone(): ModelPipeline {
    return new ModelPipeline(this.specForJSON(this.resolved.features ?? undefined));
  }

  /**
   * Fits on the table, or on the given rows of it (a CV fold). With
   * `training.early_stopping`, a `validation_split` share of those rows is
   * held out and passed to the estimator as `options.validation` with
   * `earlyStoppingRounds = patience`; `signal` and `onProgress` pass through.
   */
  fit(table: Table, rows?: ArrayLike<number>, options: FitOptions = {}): this {
    this.fitted = null;
    this.preprocessor = null;
    this.encoder = null;
    this.series = null;
    this.schema = [];
    const fitRows = this.checkRows(table, rows, 'fit on');
    const targetCol = this.targetColumn(table);
    if (this.resolved.task === 'timeseries') return this.fitSeries(targetCol, fitRows, options);

    const { task, training, preprocessing } = this.resolved;
    const features = this.resolveFeatures(table);
    const schema = features.map((name): ColumnSpec => ({ name, kind: getColumn(table, name).kind }));

    let y: Float64Array;
    let encoder: ClassEncoder | null = null;
    if (task === 'classification') {
      encoder = ClassEncoder.fit(targetCol, fitRows);
      y = encoder.encode(targetCol, fitRows).codes;
    } else y = numericTarget(targetCol, fitRows, 'regression');

    let trainRows = fitRows;
    let validRows: Int32Array | null = null;
    if (training.early_stopping && fitRows.length >= 2) {
      const split = shuffleHoldout(fitRows, training.validation_split, training.seed, encoder ? y : undefined);
      if (split.valid.length > 0) {
        trainRows = split.train;
        validRows = split.valid;
      }
    }

    const preprocessor = ColumnPreprocessor.fit(
      table,
      schema,
      {
        encoding: preprocessing.encoding,
        categoricalMissing: preprocessing.categorical_missing,
        maxCategories: preprocessing.max_categories,
        keepMissing: this.modelType.handlesMissing === true,
        scale: this.modelType.wantsScaling === true,
      },
      trainRows,
    );
    const targetOf = (r: Int32Array): Float64Array =>
      encoder ? encoder.encode(targetCol, r).codes : numericTarget(targetCol, r, 'regression');
    const fitOptions: FitOptions = { ...options };
    delete fitOptions.validation;
    delete fitOptions.earlyStoppingRounds;
    if (validRows) {
      fitOptions.validation = { X: preprocessor.transform(table, validRows), y: targetOf(validRows) };
      fitOptions.earlyStoppingRounds = training.patience;
    }
    const estimator = (this.prototype as Estimator).clone();
    estimator.fit(preprocessor.transform(table, trainRows), validRows ? targetOf(trainRows) : y, fitOptions);

    this.schema = schema;
    this.preprocessor = preprocessor;
    this.encoder = encoder;
    this.trainedRows = trainRows.length;
    this.fitted = estimator;
    return this;
  }

  private fitSeries(targetCol: Column, rows: Int32Array, options: FitOptions): this {
    for (let k = 1; k < rows.length; k++) {
      if (rows[k] !== rows[k - 1] + 1) {
        throw new DataError(
          `A time series is fitted on consecutive rows in order, but row ${rows[k] + 1} follows row ${rows[k - 1] + 1}`,
          { row: rows[k] + 1 },
        );
      }
    }
    const series = numericTarget(targetCol, rows, 'a time series');
    const { training } = this.resolved;
    const fitOptions: FitOptions = { ...options };
    delete fitOptions.validation;
    delete fitOptions.earlyStoppingRounds;
    let train = series;
    if (training.early_stopping && rows.length >= 2) {
      const split = tailHoldout(rows, training.validation_split);
      if (split.valid.length > 0) {
        train = series.subarray(0, split.train.length);
        // Forecasters read the held-out continuation from y; X has no columns.
        fitOptions.validation = { X: createMatrix(split.valid.length, 0), y: series.slice(split.train.length) };
        fitOptions.earlyStoppingRounds = training.patience;
      }
    }
    const forecaster = (this.prototype as Forecaster).clone();
    forecaster.fit(Float64Array.from(train), fitOptions);
    this.series = Float64Array.from(train);
    this.trainedRows = train.length;
    this.fitted = forecaster;
    return this;
  }

  /**
   * Predicts the given rows (all by default). Classification answers the
   * user's labels with probabilities per class; a time-series model answers
   * the forecast of as many steps as there are rows.
   */
  predict(table: Table, rows?: ArrayLike<number>): PredictionResult {
    const estimator = this.requireFitted();
    if (this.resolved.task === 'timeseries') {
      return { predictions: Array.from(this.forecast(rows === undefined ? table.rowCount : rows.length)) };
    }
    const X = this.transform(table, rows);
    if (X.rows === 0) return this.encoder ? { predictions: [], probabilities: [], classes: [...this.encoder.classes] } : { predictions: [] };
    const est = estimator as Estimator;
    const codes = est.predict(X);
    if (!this.encoder) return { predictions: Array.from(codes) };
    const probabilities = this.probabilities(est, X, this.encoder.classes.length);
    return { predictions: this.encoder.decode(codes), probabilities: matrixRows(probabilities), classes: [...this.encoder.classes] };
  }

  /**
   * Predicts JSON instances (`[{age: 31, color: 'red'}]`). Every feature must
   * be present (null means missing); keys that are not features and values of
   * the wrong type are rejected together in one DataError whose details list
   * `missing`, `unexpected` and `mistyped` by feature name.
   */
  predictRecords(records: readonly Record<string, unknown>[]): PredictionResult {
    this.requireFitted();
    if (this.resolved.task === 'timeseries') {
      throw new DataError(`A time-series model predicts a horizon, not instances: ask for the next { horizon } values`);
    }
    return this.predict(this.recordsToTable(records));
  }

  /** Checks and converts JSON instances into a table of the model's features. */
  recordsToTable(records: readonly Record<string, unknown>[]): Table {
    if (!Array.isArray(records)) throw new DataError('Expected a list of instances (objects of feature values)');
    const names = this.schema.map((f) => f.name);
    const known = new Set(names);
    const missing = new Map<string, number[]>();
    const unexpected = new Map<string, number[]>();
    records.forEach((rec, i) => {
      if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
        throw new DataError(`Instance ${i} is ${preview(rec)}; each instance must be an object of feature values`, { index: i });
      }
      for (const name of names) if (!Object.hasOwn(rec, name)) pushTo(missing, name, i);
      for (const key of Object.keys(rec)) if (!known.has(key)) pushTo(unexpected, key, i);
    });
    let mistyped: { feature: string; index: number; value: string; expected: string }[] = [];
    let table: Table | null = null;
    try {
      table = tableFromRecords(records, this.schema);
    } catch (err) {
      if (!(err instanceof DataError) || !Array.isArray(err.details?.mistyped)) throw err;
      mistyped = (err.details.mistyped as { column: string; index: number; value: string; expected: string }[]).map((m) => ({
        feature: m.column,
        index: m.index,
        value: m.value,
        expected: m.expected,
      }));
    }
    if (table && missing.size === 0 && unexpected.size === 0) return table;
    const parts: string[] = [];
    const where = (idx: number[]) =>
      idx.length === records.length && records.length > 1 ? 'all instances' : `instance${idx.length === 1 ? '' : 's'} ${idx.slice(0, 5).join(', ')}${idx.length > 5 ? ', ...' : ''}`;
    for (const [name, idx] of missing) parts.push(`missing feature '${name}' (${where(idx)})`);
    for (const [name, idx] of unexpected) parts.push(`unknown feature '${name}' (${where(idx)})`);
    for (const m of mistyped.slice(0, 5)) parts.push(`feature '${m.feature}' must be a ${m.expected} (instance ${m.index} has ${m.value})`);
    if (mistyped.length > 5) parts.push(`${mistyped.length - 5} more mistyped values`);
    throw new DataError(`The instances do not match the model's features: ${parts.join('; ')}.`, {
      missing: [...missing.keys()],
      unexpected: [...unexpected.keys()],
      mistyped,
      expected: this.schema.map((f) => ({ name: f.name, type: f.kind })),
    });
  }

  /** The next `horizon` values of the series (time series only). */
  forecast(horizon: number): number[] {
    const est = this.requireFitted();
    if (this.resolved.task !== 'timeseries') {
      throw new ParameterError(`forecast is for time-series models; this model's task is '${this.resolved.task}'`, 'horizon');
    }
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new ParameterError(`The forecast horizon must be an int >= 1. Got ${JSON.stringify(horizon)} instead.`, 'horizon');
    }
    return Array.from((est as Forecaster).forecast(horizon));
  }

  /** The estimator's input Matrix for the given rows (for inspection and drift checks). */
  transform(table: Table, rows?: ArrayLike<number>): Matrix {
    this.requireFitted();
    if (!this.preprocessor) throw new ParameterError('A time-series model has no feature matrix', 'task');
    const absent = this.schema.filter((f) => !findColumn(table, f.name)).map((f) => f.name);
    if (absent.length) {
      throw new DataError(
        `The data lacks ${absent.length === 1 ? 'the feature' : 'features'} ${listNames(absent)} the model was trained on. ` +
          `Available columns: ${listNames(columnNames(table))}.`,
        { missing: absent, available: columnNames(table) },
      );
    }
    if (rows !== undefined) this.checkRows(table, rows, 'predict');
    return this.preprocessor.transform(table, rows);
  }

  /**
   * Scores the model on the given rows (all by default) with the task's
   * metrics (src/ml/metrics/registry.ts). A class label the model never saw
   * counts as a wrong answer. For time series, the rows are the actual
   * continuation of the fitted series: the model forecasts as many steps and
   * is scored with mse, rmse, mae, mape, smape and mase. Undefined metrics are
   * null.
   */
  evaluate(table: Table, rows?: ArrayLike<number>, options: EvaluateOptions = {}): Record<string, number | null> {
    const estimator = this.requireFitted();
    const evalRows = this.checkRows(table, rows, 'evaluate on');
    const targetCol = this.targetColumn(table);
    const scoreOptions: ScoreAllOptions = options.metrics ? { metrics: options.metrics } : {};
    const { task } = this.resolved;
    if (task === 'timeseries') {
      const yTrue = numericTarget(targetCol, evalRows, 'a time series');
      const yPred = Float64Array.from(this.forecast(evalRows.length));
      return scoreAll('timeseries', yTrue, yPred, undefined, undefined, { ...scoreOptions, yTrain: this.series ?? undefined });
    }
    const X = this.preprocessor!.transform(table, evalRows);
    const est = estimator as Estimator;
    const yPred = est.predict(X);
    if (!this.encoder) return scoreAll('regression', numericTarget(targetCol, evalRows, 'regression'), yPred, undefined, undefined, scoreOptions);
    const { codes, unseen } = this.encoder.encode(targetCol, evalRows);
    const k = this.encoder.classes.length + unseen.length;
    const proba = this.probabilities(est, X, k);
    const classes = new Float64Array(k);
    for (let c = 0; c < k; c++) classes[c] = c;
    return scoreAll('classification', codes, yPred, proba, classes, scoreOptions);
  }

  /** The saved form: versioned plain JSON (see PipelineJSON). Same seed and data give the same text. */
  toJSON(): PipelineJSON {
    const estimator = this.requireFitted();
    return {
      format: 'trainyard.pipeline',
      formatVersion: 1,
      spec: this.specForJSON(this.schema.map((f) => f.name)) as PipelineJSON['spec'],
      featureSchema: this.schema.map((f) => ({ name: f.name, kind: f.kind })),
      featureNames: [...this.featureNames],
      preprocessing: this.preprocessor ? this.preprocessor.toJSON() : null,
      target: this.encoder ? this.encoder.toJSON() : null,
      series: this.series ? Array.from(this.series) : null,
      trainedRows: this.trainedRows,
      estimator: estimator.toJSON(),
    };
  }

  /** Restores a saved pipeline; anything malformed or inconsistent is a DataError. */
  static fromJSON(json: unknown): ModelPipeline {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new DataError('Malformed model artifact: expected a JSON object');
    }
    const j = json as Record<string, unknown>;
    if (j.format !== 'trainyard.pipeline' || j.formatVersion !== 1) {
      throw new DataError(
        `Not a trainyard model artifact (format ${preview(j.format)}, version ${preview(j.formatVersion)}; expected 'trainyard.pipeline' version 1)`,
      );
    }
    let pipeline: ModelPipeline;
    try {
      pipeline = new ModelPipeline(j.spec as PipelineSpec);
    } catch (err) {
      throw wrapArtifactError('spec', err);
    }
    const task = pipeline.resolved.task;
    if (!Array.isArray(j.featureSchema)) throw new DataError('Malformed model artifact: featureSchema must be an array');
    const schema = j.featureSchema.map((f: unknown, i: number): ColumnSpec => {
      const o = f as Record<string, unknown> | null;
      if (!o || typeof o.name !== 'string' || (o.kind !== 'number' && o.kind !== 'string')) {
        throw new DataError(`Malformed model artifact: featureSchema[${i}] must be {name, kind: 'number' | 'string'}`);
      }
      return { name: o.name, kind: o.kind };
    });
    let estimator: Estimator | Forecaster;
    try {
      estimator = estimatorFromJSON(j.estimator as EstimatorJSON);
    } catch (err) {
      throw wrapArtifactError('estimator', err);
    }
    if (estimator.type !== resolveType(pipeline.resolved.type) && estimator.type !== pipeline.resolved.type) {
      throw new DataError(`Malformed model artifact: the estimator is a '${estimator.type}' but the spec says '${pipeline.resolved.type}'`);
    }
    if (estimator.task !== task) {
      throw new DataError(`Malformed model artifact: the estimator's task is '${estimator.task}' but the spec says '${task}'`);
    }
    if (task === 'timeseries') {
      if (!Array.isArray(j.series) || j.series.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new DataError('Malformed model artifact: series must be an array of finite numbers');
      }
      pipeline.series = Float64Array.from(j.series as number[]);
    } else {
      const preprocessor = ColumnPreprocessor.fromJSON(j.preprocessing);
      const names = preprocessor.states.map((s) => s.name);
      if (names.length !== schema.length || names.some((n, i) => n !== schema[i].name)) {
        throw new DataError('Malformed model artifact: the preprocessing columns do not match featureSchema');
      }
      pipeline.preprocessor = preprocessor;
      if (task === 'classification') {
        const encoder = ClassEncoder.fromJSON(j.target);
        const est = estimator as Classifier;
        if (!isClassifier(est) || est.classes.some((c) => !Number.isInteger(c) || c < 0 || c >= encoder.classes.length)) {
          throw new DataError("Malformed model artifact: the estimator's classes do not match the target's classes");
        }
        pipeline.encoder = encoder;
      }
    }
    const trainedRows = j.trainedRows;
    pipeline.trainedRows = typeof trainedRows === 'number' && Number.isInteger(trainedRows) && trainedRows >= 0 ? trainedRows : 0;
    pipeline.schema = schema;
    pipeline.fitted = estimator;
    return pipeline;
  }

  private specForJSON(features: string[] | undefined): PipelineSpec {
    const { type, hyperparameters, task, target, training, preprocessing } = this.resolved;
    return {
      type,
      hyperparameters: { ...hyperparameters },
      task,
      target,
      ...(features !== undefined ? { features: [...features] } : {}),
      training: { ...training },
      preprocessing: { ...preprocessing },
    };
  }

  private requireFitted(): Estimator | Forecaster {
    if (!this.fitted) throw new NotFittedError(NAME);
    return this.fitted;
  }

  /** Probabilities with one column per class code 0..k-1 (zeros for codes the estimator does not know). */
  private probabilities(est: Estimator, X: Matrix, k: number): Matrix {
    if (!isClassifier(est)) throw new Error(`model type '${est.type}' is registered for classification but is not a Classifier`);
    const p = est.predictProba(X);
    const cls = est.classes;
    if (cls.length === k && cls.every((c, j) => c === j)) return p;
    const out = createMatrix(p.rows, k);
    for (let i = 0; i < p.rows; i++) {
      for (let j = 0; j < cls.length; j++) out.data[i * k + cls[j]] = p.data[i * p.cols + j];
    }
    return out;
  }

  private targetColumn(table: Table): Column {
    const { target } = this.resolved;
    const col = findColumn(table, target);
    if (!col) {
      throw new DataError(`The target column '${target}' is not in the data. Available columns: ${listNames(columnNames(table))}.`, {
        column: target,
        available: columnNames(table),
      });
    }
    return col;
  }

  private resolveFeatures(table: Table): string[] {
    const { target, features } = this.resolved;
    if (features) {
      const unknown = features.filter((f) => !findColumn(table, f));
      if (unknown.length) {
        throw new DataError(
          `${unknown.length === 1 ? 'The feature' : 'Features'} ${listNames(unknown)} ${unknown.length === 1 ? 'is' : 'are'} not in the data. ` +
            `Available columns: ${listNames(columnNames(table))}.`,
          { missing: unknown, available: columnNames(table) },
        );
      }
      return [...features];
    }
    const all = columnNames(table).filter((n) => n !== target);
    if (all.length === 0) throw new DataError(`The data has no feature columns: '${target}' is its only column.`);
    return all;
  }

  private checkRows(table: Table, rows: ArrayLike<number> | undefined, what: string): Int32Array {
    if (table.rowCount === 0) throw new DataError(`The data is empty (0 rows); there is nothing to ${what}.`);
    if (rows === undefined) return allRows(table.rowCount);
    if (rows.length === 0) throw new DataError(`No rows were selected to ${what}.`);
    const out = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      if (!(Number.isInteger(r) && r >= 0 && r < table.rowCount)) {
        throw new DataError(`Row index ${r} is out of range for data of ${table.rowCount} rows`, { row: r });
      }
      out[k] = r;
    }
    return out;
  }
}

function pushTo(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

function matrixRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

function wrapArtifactError(part: string, err: unknown): DataError {
  if (err instanceof DataError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DataError(`Malformed model artifact (${part}): ${message}`);
}

