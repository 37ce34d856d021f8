import { expect } from 'chai';
import { DataError, NotFittedError, ParameterError } from '../../../../src/ml/base/errors.js';
import { Rng } from '../../../../src/ml/base/random.js';
import { createTable, selectRows, tableToRecords, type Table } from '../../../../src/ml/data/table.js';
import { ModelPipeline, type PipelineSpec } from '../../../../src/ml/pipeline/model-pipeline.js';
import { fitLog } from './test-estimators.js';

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const COLORS = ['red', 'green', 'blue'];

/** Pets: `kind` is 'dog' for big animals, 'cat' otherwise; `price` grows with size and is higher for red. */
function pets(n: number, seed = 1): Table {
  const rng = new Rng(seed);
  const size = new Float64Array(n);
  const weight = new Float64Array(n);
  const price = new Float64Array(n);
  const color: (string | null)[] = [];
  const kind: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    const dog = i % 2 === 0;
    size[i] = (dog ? 60 : 25) + rng.normal() * 5;
    weight[i] = i % 7 === 3 ? NaN : size[i] / 3 + rng.normal();
    const c = i % 11 === 5 ? null : COLORS[rng.int(3)];
    color.push(c);
    kind.push(dog ? 'dog' : 'cat');
    price[i] = 2 * size[i] + (c === 'red' ? 50 : 0);
  }
  return createTable([
    { name: 'size', kind: 'number', values: size },
    { name: 'color', kind: 'string', values: color },
    { name: 'weight', kind: 'number', values: weight },
    { name: 'kind', kind: 'string', values: kind },
    { name: 'price', kind: 'number', values: price },
  ]);
}

const classifySpec: PipelineSpec = { type: 'test_centroid', task: 'classification', target: 'kind', features: ['size', 'color', 'weight'] };
const regressSpec: PipelineSpec = { type: 'test_nn', task: 'regression', target: 'price', features: ['size', 'color'] };

function column(X: { rows: number; cols: number; data: Float64Array }, j: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < X.rows; i++) out.push(X.data[i * X.cols + j]);
  return out;
}

function median(values: number[]): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

describe('ModelPipeline', () => {
  describe('spec validation', () => {
    it('rejects an unknown model type listing the known ones', () => {
      const err = catchError(() => new ModelPipeline({ ...classifySpec, type: 'magic_forest' }));
      expect(err).to.be.instanceOf(ParameterError);
      expect(err.message).to.match(/Unknown model type 'magic_forest'\. Known types: .*test_centroid/);
    });

    it('rejects a task the model type does not support', () => {
      expect(() => new ModelPipeline({ ...classifySpec, task: 'regression' })).to.throw(ParameterError, /does not support task 'regression'/);
      expect(() => new ModelPipeline({ ...classifySpec, task: 'clustering' as never })).to.throw(ParameterError, /'task'/);
    });

    it('validates hyperparameters eagerly through the estimator', () => {
      expect(() => new ModelPipeline({ ...classifySpec, hyperparameters: { temperature: 0 } })).to.throw(ParameterError, /'temperature'/);
      expect(() => new ModelPipeline({ ...classifySpec, hyperparameters: { tempreature: 1 } })).to.throw(ParameterError, /Unknown parameter 'tempreature'/);
    });

    it('rejects bad training and preprocessing options naming the key and value', () => {
      expect(() => new ModelPipeline({ ...classifySpec, training: { validation_split: 1.5 } })).to.throw(
        ParameterError,
        "The 'validation_split' parameter of training must be a float >= 0 and < 1. Got 1.5 instead.",
      );
      expect(() => new ModelPipeline({ ...classifySpec, training: { patience: 0, early_stopping: true } })).to.throw(ParameterError, /'patience'/);
      expect(() => new ModelPipeline({ ...classifySpec, training: { early_stopping: true, validation_split: 0 } })).to.throw(
        ParameterError,
        /needs a validation set/,
      );
      expect(() => new ModelPipeline({ ...classifySpec, training: { patiense: 3 } as never })).to.throw(ParameterError, /Unknown parameter 'patiense' for training/);
      expect(() => new ModelPipeline({ ...classifySpec, preprocessing: { encoding: 'binary' as never } })).to.throw(ParameterError, /'encoding'/);
    });

    it('rejects a features list that repeats a name or includes the target', () => {
      expect(() => new ModelPipeline({ ...classifySpec, features: ['size', 'size'] })).to.throw(ParameterError, /'size' is listed more than once/);
      expect(() => new ModelPipeline({ ...classifySpec, features: ['size', 'kind'] })).to.throw(ParameterError, /target 'kind' cannot also be a feature/);
    });
  });

  describe('classification', () => {
    it('predicts the original string labels with probabilities in classes order', () => {
      const table = pets(60);
      const p = new ModelPipeline(classifySpec).fit(table);
      expect(p.classes).to.deep.equal(['cat', 'dog']);
      const res = p.predict(table);
      expect(res.classes).to.deep.equal(['cat', 'dog']);
      expect(res.predictions).to.have.length(60);
      let correct = 0;
      res.predictions.forEach((label, i) => {
        if (label === (i % 2 === 0 ? 'dog' : 'cat')) correct++;
        const probs = res.probabilities![i];
        expect(probs[0] + probs[1]).to.be.closeTo(1, 1e-12);
        expect(label).to.equal(res.classes![probs[1] > probs[0] ? 1 : 0]);
      });
      expect(correct / 60).to.be.greaterThan(0.9);
    });

    it('keeps numeric labels as numbers', () => {
      const table = pets(40);
      const numeric = createTable([
        ...table.columns.filter((c) => c.name !== 'kind'),
        { name: 'kind', kind: 'number', values: Float64Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 7 : -3)) },
      ]);
      const p = new ModelPipeline(classifySpec).fit(numeric);
      expect(p.classes).to.deep.equal([-3, 7]);
      expect(fitLog.y && Array.from(new Set(fitLog.y)).sort()).to.deep.equal([0, 1]);
      expect(new Set(p.predict(numeric).predictions)).to.satisfy((s: Set<unknown>) => [...s].every((v) => v === -3 || v === 7));
    });

    it('rejects a target with a single class', () => {
      const table = pets(20);
      const err = catchError(() => new ModelPipeline(classifySpec).fit(table, [0, 2, 4, 6]));
      expect(err).to.be.instanceOf(DataError);
      expect(err.message).to.equal(`The target column 'kind' has only one class ("dog") in the training rows; classification needs at least two.`);
    });

    it('rejects missing target values naming the first row', () => {
      const table = pets(10);
      (table.columns[3].values as (string | null)[])[4] = null;
      expect(() => new ModelPipeline(classifySpec).fit(table)).to.throw(DataError, /'kind' has 1 missing value \(the first at row 5\)/);
    });
  });

  describe('preprocessing', () => {
    it('imputes medians, one-hot encodes text and standardises for models that want scaling', () => {
      const table = pets(44);
      const p = new ModelPipeline(classifySpec).fit(table);
      expect(p.featureNames).to.deep.equal(['size', 'color=blue', 'color=green', 'color=red', 'color=<missing>', 'weight']);
      const X = fitLog.X!;
      expect(X.cols).to.equal(6);
      for (const j of [0, 5]) {
        const col = column(X, j);
        const mean = col.reduce((a, b) => a + b, 0) / col.length;
        const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
        expect(mean).to.be.closeTo(0, 1e-9);
        expect(variance).to.be.closeTo(1, 1e-9);
      }
      const colors = table.columns[1].values as (string | null)[];
      for (let i = 0; i < 44; i++) {
        const hot = [1, 2, 3, 4].filter((j) => X.data[i * 6 + j] === 1);
        const expected = colors[i] === null ? 4 : 1 + ['blue', 'green', 'red'].indexOf(colors[i]!);
        expect(hot).to.deep.equal([expected]);
      }
      // Imputed rows all sit at the (standardised) median.
      const weights = Array.from(table.columns[2].values as Float64Array);
      const imputed = weights.map((w, i) => (Number.isNaN(w) ? X.data[i * 6 + 5] : null)).filter((v) => v !== null);
      expect(imputed.length).to.be.greaterThan(3);
      expect(new Set(imputed).size).to.equal(1);
      const std = p.toJSON().preprocessing!.columns[2];
      expect(std.kind === 'number' && std.fill).to.be.closeTo(median(weights), 1e-12);
    });

    it('keeps NaN and skips scaling for a model that handles missing values', () => {
      const table = pets(30);
      new ModelPipeline({ ...classifySpec, type: 'test_centroid_nan' }).fit(table);
      const weights = table.columns[2].values as Float64Array;
      const got = column(fitLog.X!, 5);
      got.forEach((v, i) => expect(Number.isNaN(v) ? NaN : v).to.deep.equal(weights[i]));
    });

    it('learns statistics and categories from the fit rows only', () => {
      const table = pets(40);
      const rows = [0, 1, 2, 3, 4, 6, 7, 8];
      const p = new ModelPipeline({ ...classifySpec, type: 'test_centroid_nan' }).fit(table, rows);
      const seen = new Set(rows.map((r) => (table.columns[1].values as (string | null)[])[r]).filter((c) => c !== null));
      expect(p.featureNames.filter((n) => n.startsWith('color=')).map((n) => n.slice(6))).to.deep.equal([...seen].sort());
      expect(fitLog.X!.rows).to.equal(rows.length);
    });

    it('encodes an unseen category as all zeros and a missing one as zeros when none was seen at fit', () => {
      const table = pets(40);
      const p = new ModelPipeline({ ...classifySpec, features: ['size', 'color'] }).fit(table, [0, 1, 2, 3]);
      const X = p.transform(
        createTable([
          { name: 'size', kind: 'number', values: Float64Array.from([10, 20]) },
          { name: 'color', kind: 'string', values: ['purple', null] },
        ]),
      );
      expect(Array.from(X.data.subarray(1, X.cols))).to.satisfy((a: number[]) => a.every((v) => v === 0));
      expect(Array.from(X.data.subarray(X.cols + 1))).to.satisfy((a: number[]) => a.every((v) => v === 0));
    });

    it('encodes ordinally: codes in sorted order, unknown as -1, or NaN for models handling missing values', () => {
      const table = createTable([
        { name: 'g', kind: 'string', values: ['b', 'a', 'c', 'a', 'b', 'c'] },
        { name: 'y', kind: 'number', values: Float64Array.from([0, 1, 0, 1, 0, 1]) },
      ]);
      const probe = createTable([{ name: 'g', kind: 'string', values: ['c', 'zzz', 'a'] }]);
      const spec: PipelineSpec = { type: 'test_centroid_nan', task: 'classification', target: 'y', preprocessing: { encoding: 'ordinal' } };
      const p = new ModelPipeline(spec).fit(table);
      expect(p.featureNames).to.deep.equal(['g']);
      expect(column(fitLog.X!, 0)).to.deep.equal([1, 0, 2, 0, 1, 2]);
      expect(Array.from(p.transform(probe).data)).to.deep.equal([2, NaN, 0]);
      const scaled = new ModelPipeline({ ...spec, type: 'test_centroid' }).fit(table);
      const codes = Array.from(scaled.transform(probe).data);
      // Standardised codes keep their order, with the unknown (-1) below every known one.
      expect(codes[1]).to.be.lessThan(codes[2]);
      expect(codes[2]).to.be.lessThan(codes[0]);
    });

    it('fills missing text with the most frequent category when asked', () => {
      const table = createTable([
        { name: 'g', kind: 'string', values: ['b', 'a', null, 'b', 'b', null] },
        { name: 'y', kind: 'number', values: Float64Array.from([0, 1, 0, 1, 0, 1]) },
      ]);
      const p = new ModelPipeline({
        type: 'test_centroid_nan',
        task: 'classification',
        target: 'y',
        preprocessing: { categorical_missing: 'most_frequent' },
      }).fit(table);
      expect(p.featureNames).to.deep.equal(['g=a', 'g=b']);
      expect(column(fitLog.X!, 1)).to.deep.equal([1, 0, 1, 1, 1, 1]);
    });

    it('keeps only the most frequent categories up to max_categories', () => {
      const table = createTable([
        { name: 'g', kind: 'string', values: ['x', 'y', 'y', 'z', 'z', 'z', 'w'] },
        { name: 'y', kind: 'number', values: Float64Array.from([0, 1, 0, 1, 0, 1, 0]) },
      ]);
      const p = new ModelPipeline({ type: 'test_centroid_nan', task: 'classification', target: 'y', preprocessing: { max_categories: 2 } }).fit(table);
      expect(p.featureNames).to.deep.equal(['g=y', 'g=z']);
    });

    it('stops on a text column that is numeric but for a few values, naming them', () => {
      const values = Array.from({ length: 40 }, (_, i) => String(i * 1.5));
      values[17] = '12,5';
      const table = createTable([
        { name: 'age', kind: 'string', values },
        { name: 'y', kind: 'number', values: Float64Array.from({ length: 40 }, (_, i) => i % 2) },
      ]);
      const err = catchError(() => new ModelPipeline({ type: 'test_centroid', task: 'classification', target: 'y' }).fit(table)) as DataError;
      expect(err).to.be.instanceOf(DataError);
      expect(err.message).to.include(`Feature 'age' is numeric except for 1 value (row 18 has "12,5")`);
      expect(err.details).to.deep.include({ column: 'age', rows: [18] });
    });
  });

  describe('data errors', () => {
    it('names a missing target column and lists the available ones', () => {
      const err = catchError(() => new ModelPipeline({ ...classifySpec, target: 'species' }).fit(pets(10))) as DataError;
      expect(err).to.be.instanceOf(DataError);
      expect(err.message).to.equal(`The target column 'species' is not in the data. Available columns: 'size', 'color', 'weight', 'kind', 'price'.`);
    });

    it('rejects an empty table and an empty row selection', () => {
      const empty = selectRows(pets(5), []);
      expect(() => new ModelPipeline(classifySpec).fit(empty)).to.throw(DataError, /The data is empty \(0 rows\)/);
      expect(() => new ModelPipeline(classifySpec).fit(pets(5), [])).to.throw(DataError, /No rows were selected/);
    });

    it('names features that are not in the data', () => {
      const err = catchError(() => new ModelPipeline({ ...classifySpec, features: ['size', 'hue', 'tone'] }).fit(pets(10))) as DataError;
      expect(err.message).to.match(/^Features 'hue', 'tone' are not in the data\./);
      expect(err.details?.missing).to.deep.equal(['hue', 'tone']);
    });

    it('rejects text in a regression target naming the column and row', () => {
      const table = pets(10);
      const text = createTable([
        ...table.columns.filter((c) => c.name !== 'price'),
        { name: 'price', kind: 'string', values: ['1', '2', '3', 'cheap', '5', '6', '7', '8', '9', '10'] },
      ]);
      expect(() => new ModelPipeline(regressSpec).fit(text)).to.throw(
        DataError,
        `The target column 'price' must be numeric for regression, but row 4 has "cheap". For categories, use task 'classification'.`,
      );
    });

    it('refuses to predict before fit', () => {
      const p = new ModelPipeline(classifySpec);
      expect(() => p.predict(pets(3))).to.throw(NotFittedError);
      expect(() => p.toJSON()).to.throw(NotFittedError);
    });

    it('parses numeric text at predict time and names the row of a value that is not a number', () => {
      const table = pets(30);
      const p = new ModelPipeline(regressSpec).fit(table);
      const sizes = Array.from(table.columns[0].values as Float64Array);
      const asText = createTable([
        { name: 'size', kind: 'string', values: sizes.slice(0, 3).map(String) },
        { name: 'color', kind: 'string', values: (table.columns[1].values as (string | null)[]).slice(0, 3) },
      ]);
      expect(p.predict(asText).predictions).to.deep.equal(p.predict(table, [0, 1, 2]).predictions);
      (asText.columns[0].values as string[])[1] = 'big';
      expect(() => p.predict(asText)).to.throw(DataError, `Feature 'size' must be numeric, but row 2 has "big"`);
    });

    it('lists every feature the prediction data lacks', () => {
      const p = new ModelPipeline(classifySpec).fit(pets(20));
      const onlySize = createTable([{ name: 'size', kind: 'number', values: Float64Array.from([1]) }]);
      expect(() => p.predict(onlySize)).to.throw(DataError, /lacks features 'color', 'weight'/);
    });
  });

  describe('predictRecords', () => {
    it('predicts JSON instances like the same rows of a table', () => {
      const table = pets(30);
      const p = new ModelPipeline(classifySpec).fit(table);
      const records = tableToRecords(table).map(({ size, color, weight }) => ({ size, color, weight }));
      expect(p.predictRecords(records)).to.deep.equal(p.predict(table));
      expect(p.predictRecords([])).to.deep.equal({ predictions: [], probabilities: [], classes: ['cat', 'dog'] });
    });

    it('lists missing, unexpected and mistyped features by name in one error', () => {
      const p = new ModelPipeline(classifySpec).fit(pets(30));
      const err = catchError(() =>
        p.predictRecords([
          { size: 50, color: 'red', weight: 3 },
          { size: 'huge', colour: 'red', weight: null },
          { size: 20, colour: 'blue', weight: { kg: 3 } },
        ]),
      ) as DataError;
      expect(err).to.be.instanceOf(DataError);
      expect(err.message).to.equal(
        `The instances do not match the model's features: missing feature 'color' (instances 1, 2); unknown feature 'colour' (instances 1, 2); ` +
          `feature 'size' must be a number (instance 1 has "huge"); feature 'weight' must be a number (instance 2 has an object).`,
      );
      expect(err.details).to.deep.equal({
        missing: ['color'],
        unexpected: ['colour'],
        mistyped: [
          { feature: 'size', index: 1, value: '"huge"', expected: 'number' },
          { feature: 'weight', index: 2, value: 'an object', expected: 'number' },
        ],
        expected: [
          { name: 'size', type: 'number' },
          { name: 'color', type: 'string' },
          { name: 'weight', type: 'number' },
        ],
      });
    });

    it('accepts null for a missing value and numbers given as text', () => {
      const p = new ModelPipeline(regressSpec).fit(pets(30));
      const res = p.predictRecords([{ size: '55.5', color: null }]);
      expect(res.predictions).to.have.length(1);
      expect(res.predictions[0]).to.equal(p.predictRecords([{ size: 55.5, color: null }]).predictions[0]);
    });
  });

  describe('early stopping', () => {
    it('holds out a stratified validation split and passes patience as earlyStoppingRounds', () => {
      const table = pets(50);
      const controller = new AbortController();
      new ModelPipeline({ ...classifySpec, training: { early_stopping: true, validation_split: 0.2, patience: 4 } }).fit(table, undefined, {
        signal: controller.signal,
      });
      const opts = fitLog.options!;
      expect(opts.signal).to.equal(controller.signal);
      expect(opts.earlyStoppingRounds).to.equal(4);
      expect(opts.validation!.X.rows).to.equal(10);
      expect(opts.validation!.X.cols).to.equal(fitLog.X!.cols);
      expect(fitLog.X!.rows).to.equal(40);
      const validY = Array.from(opts.validation!.y);
      expect(validY.filter((c) => c === 0)).to.have.length(5);
      expect(validY.filter((c) => c === 1)).to.have.length(5);
    });

    it('holds nothing out without early_stopping, even with a validation_split', () => {
      new ModelPipeline({ ...regressSpec, training: { validation_split: 0.3 } }).fit(pets(20));
      expect(fitLog.options!.validation).to.equal(undefined);
      expect(fitLog.options!.earlyStoppingRounds).to.equal(undefined);
      expect(fitLog.X!.rows).to.equal(20);
    });

    it('shuffles the hold-out by seed', () => {
      const table = pets(40);
      const spec = (seed: number): PipelineSpec => ({ ...regressSpec, training: { early_stopping: true, validation_split: 0.25, seed } });
      const json = (seed: number) => JSON.stringify(new ModelPipeline(spec(seed)).fit(table).toJSON());
      expect(json(3)).to.equal(json(3));
      expect(json(3)).to.not.equal(json(4));
    });
  });

  describe('evaluate', () => {
    it('scores classification with the registry metrics, an unseen label counting as wrong', () => {
      const table = pets(40);
      const p = new ModelPipeline(classifySpec).fit(table);
      const pred = p.predict(table).predictions;
      const truth = table.columns[3].values as string[];
      const acc = pred.filter((v, i) => v === truth[i]).length / 40;
      const m = p.evaluate(table);
      expect(m.accuracy).to.be.closeTo(acc, 1e-12);
      expect(m).to.have.keys(['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss']);
      truth[0] = 'hamster';
      const wrongFirst = pred.filter((v, i) => v === truth[i]).length / 40;
      expect(p.evaluate(table).accuracy).to.be.closeTo(wrongFirst, 1e-12);
      expect(p.evaluate(table, [1, 2, 3], { metrics: ['accuracy'] })).to.have.keys(['accuracy']);
    });

    it('scores regression on the given rows', () => {
      const table = pets(30);
      const p = new ModelPipeline(regressSpec).fit(table, [...Array(20).keys()]);
      const rows = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29];
      const pred = p.predict(table, rows).predictions as number[];
      const truth = rows.map((r) => (table.columns[4].values as Float64Array)[r]);
      const mse = pred.reduce((s, v, i) => s + (v - truth[i]) ** 2, 0) / rows.length;
      const m = p.evaluate(table, rows);
      expect(m.mse).to.be.closeTo(mse, 1e-9);
      expect(m.rmse).to.be.closeTo(Math.sqrt(mse), 1e-9);
    });
  });

  describe('saving', () => {
    it('gives byte-identical JSON for the same spec and data', () => {
      const table = pets(40);
      const spec: PipelineSpec = { ...classifySpec, training: { early_stopping: true, validation_split: 0.2, seed: 9 } };
      expect(JSON.stringify(new ModelPipeline(spec).fit(table))).to.equal(JSON.stringify(new ModelPipeline(spec).fit(table)));
    });

    it('round-trips through JSON text with the same predictions and the same JSON', () => {
      const table = pets(40);
      for (const spec of [classifySpec, regressSpec, { ...classifySpec, type: 'test_centroid_nan', preprocessing: { encoding: 'ordinal' } } as PipelineSpec]) {
        const p = new ModelPipeline(spec).fit(table);
        const text = JSON.stringify(p.toJSON());
        expect(text).to.not.match(/NaN|Infinity/);
        const q = ModelPipeline.fromJSON(JSON.parse(text));
        expect(q.predict(table)).to.deep.equal(p.predict(table));
        expect(q.featureSchema).to.deep.equal(p.featureSchema);
        expect(q.classes).to.deep.equal(p.classes);
        expect(JSON.stringify(q.toJSON())).to.equal(text);
      }
    });

    it('rejects malformed artifacts with a DataError', () => {
      const good = new ModelPipeline(classifySpec).fit(pets(20)).toJSON();
      const bad = (mutate: (j: Record<string, any>) => void): Error => {
        const j = JSON.parse(JSON.stringify(good));
        mutate(j);
        return catchError(() => ModelPipeline.fromJSON(j));
      };
      expect(catchError(() => ModelPipeline.fromJSON('model'))).to.be.instanceOf(DataError);
      expect(bad((j) => (j.format = 'pickle')).message).to.match(/Not a trainyard model artifact/);
      expect(bad((j) => (j.spec.type = 'nope'))).to.be.instanceOf(DataError).with.property('message').that.match(/spec.*Unknown model type/);
      expect(bad((j) => (j.preprocessing.columns[0].scale = null)).message).to.match(/columns\[0\]\.scale must be a finite number/);
      expect(bad((j) => (j.preprocessing.columns[1].categories = [1])).message).to.match(/categories\[0\] must be a string/);
      expect(bad((j) => j.featureSchema.pop()).message).to.match(/do not match featureSchema/);
      expect(bad((j) => (j.target.classes = ['dog', 'cat'])).message).to.match(/sorted and distinct/);
      expect(bad((j) => (j.estimator.format = 'x'))).to.be.instanceOf(DataError);
    });
  });

  describe('time series', () => {
    const seriesTable = (n: number) =>
      createTable([
        { name: 't', kind: 'number', values: Float64Array.from({ length: n }, (_, i) => i) },
        { name: 'sales', kind: 'number', values: Float64Array.from({ length: n }, (_, i) => 10 + 2 * i + (i % 3)) },
      ]);
    const tsSpec: PipelineSpec = { type: 'test_drift', task: 'timeseries', target: 'sales' };

    it('fits the target in row order and forecasts ahead', () => {
      const table = seriesTable(30);
      const p = new ModelPipeline(tsSpec).fit(table, [...Array(24).keys()]);
      expect(Array.from(fitLog.series!)).to.deep.equal(Array.from((table.columns[1].values as Float64Array).subarray(0, 24)));
      const f = p.forecast(3);
      expect(f).to.have.length(3);
      expect(p.predict(table, [24, 25, 26]).predictions).to.deep.equal(f);
      expect(() => p.forecast(0)).to.throw(ParameterError, /horizon must be an int >= 1/);
    });

    it('evaluates the forecast against the rows that follow, mase included', () => {
      const table = seriesTable(30);
      const p = new ModelPipeline(tsSpec).fit(table, [...Array(24).keys()]);
      const rows = [24, 25, 26, 27, 28, 29];
      const f = p.forecast(6);
      const truth = rows.map((r) => (table.columns[1].values as Float64Array)[r]);
      const mae = f.reduce((s, v, i) => s + Math.abs(v - truth[i]), 0) / 6;
      const m = p.evaluate(table, rows);
      expect(m).to.have.keys(['mse', 'rmse', 'mae', 'mape', 'smape', 'mase']);
      expect(m.mae).to.be.closeTo(mae, 1e-9);
      const again = ModelPipeline.fromJSON(JSON.parse(JSON.stringify(p)));
      expect(again.evaluate(table, rows)).to.deep.equal(m);
    });

    it('requires consecutive rows and holds out the tail for early stopping', () => {
      const table = seriesTable(20);
      expect(() => new ModelPipeline(tsSpec).fit(table, [0, 1, 3])).to.throw(DataError, /row 4 follows row 2/);
      new ModelPipeline({ ...tsSpec, training: { early_stopping: true, validation_split: 0.25 } }).fit(table);
      expect(fitLog.series!.length).to.equal(15);
      expect(Array.from(fitLog.options!.validation!.y)).to.deep.equal(Array.from((table.columns[1].values as Float64Array).subarray(15)));
      expect(fitLog.options!.earlyStoppingRounds).to.equal(10);
    });

    it('refuses instances: a time-series model predicts a horizon', () => {
      const p = new ModelPipeline(tsSpec).fit(seriesTable(10));
      expect(() => p.predictRecords([{ t: 1 }])).to.throw(DataError, /horizon/);
    });
  });
});
