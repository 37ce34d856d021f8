import { checkXY } from '../base/checks.js';
import { DataError } from '../base/errors.js';
import type { Classifier, EstimatorJSON, FitOptions } from '../base/estimator.js';
import { encodeLabels } from '../base/labels.js';
import type { Matrix } from '../base/matrix.js';
import type { Params } from '../base/params.js';
import { checkMlpJSON, MultilayerPerceptron } from './multilayer-perceptron.js';

/**
 * `mlp` for classification: softmax outputs, one per class, trained on
 * cross-entropy. Features should be standardised (the model type says
 * wantsScaling).
 */
export class MLPClassifier extends MultilayerPerceptron implements Classifier {
  readonly task = 'classification';
  private labels?: Float64Array;

  constructor(params: Params = {}) {
    super('MLPClassifier', params);
  }

  get classes(): Float64Array {
    this.requireFitted();
    return this.labels!;
  }

  fit(X: Matrix, y: Float64Array, options?: FitOptions): this {
    checkXY(this.name, X, y);
    const { classes, codes } = encodeLabels(y, this.name);
    let validation: { X: Matrix; targets: Float32Array } | undefined;
    if (options?.validation) {
      const v = options.validation;
      checkXY(this.name, v.X, v.y);
      if (v.X.cols !== X.cols) throw new DataError(`${this.name}: the validation set has ${v.X.cols} features, expected ${X.cols}`);
      const index = new Map<number, number>();
      classes.forEach((c, i) => index.set(c, i));
      const validCodes = new Int32Array(v.y.length);
      for (let i = 0; i < v.y.length; i++) {
        const code = index.get(v.y[i]);
        if (code === undefined) throw new DataError(`${this.name}: the validation target has label ${v.y[i]} (row ${i}) that is not in the training data`);
        validCodes[i] = code;
      }
      validation = { X: v.X, targets: oneHot(validCodes, classes.length) };
    }
    this.fitNetwork(X, oneHot(codes, classes.length), classes.length, 'softmax_cross_entropy', validation, options);
    this.labels = classes;
    return this;
  }

  predictProba(X: Matrix): Matrix {
    const k = this.classes.length;
    const logits = this.outputs(X);
    const out = new Float64Array(logits.length);
    for (let i = 0; i < X.rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(logits[i * k + c] - max);
      for (let c = 0; c < k; c++) out[i * k + c] /= sum;
    }
    return { rows: X.rows, cols: k, data: out };
  }

  predict(X: Matrix): Float64Array {
    const classes = this.classes;
    const k = classes.length;
    const logits = this.outputs(X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
      out[i] = classes[best];
    }
    return out;
  }

  clone(): MLPClassifier {
    return new MLPClassifier(this.getParams());
  }

  toJSON(): EstimatorJSON {
    return this.json({ task: this.task, classes: Array.from(this.classes), ...this.baseState() });
  }

  static fromJSON(json: EstimatorJSON): MLPClassifier {
    checkMlpJSON(json, 'classification');
    const state = json.state as { classes?: unknown };
    const classes = state.classes;
    if (!Array.isArray(classes) || classes.length < 2 || classes.some((c, i) => typeof c !== 'number' || !Number.isFinite(c) || (i > 0 && c <= classes[i - 1]))) {
      throw new DataError('MLPClassifier: the saved classes should be at least 2 increasing finite numbers');
    }
    const model = new MLPClassifier(json.params);
    model.restore(json.state, classes.length);
    model.labels = Float64Array.from(classes as number[]);
    return model;
  }
}

function oneHot(codes: Int32Array, k: number): Float32Array {
  const out = new Float32Array(codes.length * k);
  for (let i = 0; i < codes.length; i++) out[i * k + codes[i]] = 1;
  return out;
}
