import { DataError, NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, type EstimatorJSON, type FitOptions, type Task } from '../base/estimator.js';
import type { Matrix } from '../base/matrix.js';
import { checkChoice, checkNumber, withDefaults, type Params } from '../base/params.js';
import { Rng } from '../base/random.js';
import { activeBackend, tf } from './backend.js';
import { ACTIVATIONS, denseForward, densePredict, denseShapes, glorotWeights, type Activation } from './dense-network.js';
import { loadTensors, saveTensor, type SavedTensor } from './saved-tensor.js';
import { trainNetwork, type LossKind } from './train-loop.js';

/** Hyperparameters of `mlp` (scikit-learn MLPClassifier/MLPRegressor names where they exist). */
export interface MlpParams extends Params {
  /** widths of the hidden layers @defaultValue [64, 32] */
  hidden_layer_sizes: number[];
  /** Keras-style alias of hidden_layer_sizes; when given it replaces it @defaultValue null */
  layers: number[] | null;
  /** hidden activation @defaultValue 'relu' */
  activation: Activation;
  /** fraction of hidden units dropped while training @defaultValue 0 */
  dropout: number;
  /** passes over the training rows @defaultValue 100 */
  epochs: number;
  /**
   * rows per Adam step (capped at the row count). TF.js pays a fixed cost per
   * step, so small batches are slow on large data. @defaultValue 200 (scikit-learn's 'auto')
   */
  batch_size: number;
  /** Adam step size @defaultValue 0.001 */
  learning_rate: number;
  /** seeds weight initialisation, shuffling and dropout @defaultValue 0 */
  seed: number;
}

export const MLP_DEFAULTS: MlpParams = {
  hidden_layer_sizes: [64, 32],
  layers: null,
  activation: 'relu',
  dropout: 0,
  epochs: 100,
  batch_size: 200,
  learning_rate: 0.001,
  seed: 0,
};

/** What `fit` learned, kept outside the params. */
interface MlpFitted {
  nFeatures: number;
  /** layer widths, inputs to outputs */
  sizes: number[];
  weights: Float32Array[];
  backend: string;
  epochs: number;
  bestEpoch: number;
  loss: number[];
  validLoss?: number[];
}

/** The saved state shared by both tasks; the subclasses add their own fields. */
export interface MlpState {
  nFeatures: number;
  sizes: number[];
  weights: SavedTensor[];
  backend: string;
  epochs: number;
  bestEpoch: number;
  loss: (number | null)[];
  validLoss?: (number | null)[];
}

/**
 * A fully connected network trained with mini-batch Adam on TensorFlow.js;
 * the task-specific parts live in MLPClassifier and MLPRegressor. Fit is
 * synchronous (call `ensureBackend()` once beforehand to get the fast backend).
 */
export abstract class MultilayerPerceptron {
  readonly type = 'mlp';
  abstract readonly task: Task;
  protected readonly params: MlpParams;
  protected fitted?: MlpFitted;

  protected constructor(
    protected readonly name: string,
    params: Params = {},
  ) {
    const p = withDefaults(name, MLP_DEFAULTS, params);
    if (p.layers !== null) {
      if (params.hidden_layer_sizes !== undefined && params.hidden_layer_sizes !== null) {
        throw new ParameterError(
          `The 'layers' and 'hidden_layer_sizes' parameters of ${name} are the same setting; give only one. Got both.`,
          'layers',
        );
      }
      p.hidden_layer_sizes = checkSizes(name, 'layers', p.layers);
      p.layers = null;
    } else {
      p.hidden_layer_sizes = checkSizes(name, 'hidden_layer_sizes', p.hidden_layer_sizes);
    }
    checkChoice(name, 'activation', p.activation, ACTIVATIONS);
    checkNumber(name, 'dropout', p.dropout, { kind: 'float', min: 0, lt: 1 });
    checkNumber(name, 'epochs', p.epochs, { kind: 'int', min: 1 });
    checkNumber(name, 'batch_size', p.batch_size, { kind: 'int', min: 1 });
    checkNumber(name, 'learning_rate', p.learning_rate, { kind: 'float', gt: 0 });
    checkNumber(name, 'seed', p.seed, { kind: 'int', min: 0 });
    this.params = p;
  }

  getParams(): Params {
    return { ...this.params, hidden_layer_sizes: [...this.params.hidden_layer_sizes] };
  }

  /** Mean training loss per epoch of the last fit (and validation loss when there was a validation set). */
  history(): { loss: number[]; validLoss?: number[] } {
    const f = this.requireFitted();
    return { loss: [...f.loss], ...(f.validLoss ? { validLoss: [...f.validLoss] } : {}) };
  }

  /**
   * Trains a fresh network on X (rows) against `targets` ([rows x outputs],
   * row-major), with optional validation targets for early stopping.
   */
  protected fitNetwork(
    X: Matrix,
    targets: Float32Array,
    outputs: number,
    loss: LossKind,
    validation: { X: Matrix; targets: Float32Array } | undefined,
    options: FitOptions | undefined,
  ): void {
    const t = tf();
    const p = this.params;
    const rng = new Rng(p.seed);
    const sizes = [X.cols, ...p.hidden_layer_sizes, outputs];
    const shapes = denseShapes(sizes);
    const start = glorotWeights(sizes, rng);
    const variables = start.map((w, k) => t.tidy(() => t.variable(t.tensor(w, shapes[k], 'float32'), true, undefined, 'float32')));
    const x = t.tensor2d(Float32Array.from(X.data), [X.rows, X.cols]);
    const y = t.tensor2d(targets, [X.rows, outputs]);
    const valid = validation
      ? {
          x: t.tensor2d(Float32Array.from(validation.X.data), [validation.X.rows, validation.X.cols]),
          y: t.tensor2d(validation.targets, [validation.X.rows, outputs]),
        }
      : undefined;
    try {
      const result = trainNetwork({
        estimator: this.name,
        variables,
        forward: (input, training) => denseForward(variables, input, p.activation, training ? p.dropout : 0, rng),
        loss,
        x,
        y,
        validation: valid,
        epochs: p.epochs,
        batchSize: p.batch_size,
        learningRate: p.learning_rate,
        rng,
        options,
      });
      this.fitted = {
        nFeatures: X.cols,
        sizes,
        weights: variables.map((v) => v.dataSync().slice() as Float32Array),
        backend: activeBackend(),
        epochs: result.epochs,
        bestEpoch: result.bestEpoch,
        loss: result.loss,
        ...(result.validLoss ? { validLoss: result.validLoss } : {}),
      };
    } finally {
      t.dispose([...variables, x, y, ...(valid ? [valid.x, valid.y] : [])]);
    }
  }

  /** The network's raw outputs (logits or scaled values), [rows x outputs]. */
  protected outputs(X: Matrix): Float32Array {
    const f = this.requireFitted();
    if (X.cols !== f.nFeatures) {
      throw new DataError(`${this.name}: X has ${X.cols} features, but ${this.name} was fitted with ${f.nFeatures} features`);
    }
    for (let k = 0; k < X.data.length; k++) {
      if (!Number.isFinite(X.data[k])) {
        throw new DataError(`${this.name}: input contains ${Number.isNaN(X.data[k]) ? 'NaN' : 'infinity'} at row ${Math.floor(k / X.cols)}, column ${k % X.cols}`);
      }
    }
    return densePredict(f.weights, f.sizes, this.params.activation, X);
  }

  protected requireFitted(): MlpFitted {
    if (!this.fitted) throw new NotFittedError(this.name);
    return this.fitted;
  }

  protected baseState(): MlpState {
    const f = this.requireFitted();
    const shapes = denseShapes(f.sizes);
    return {
      nFeatures: f.nFeatures,
      sizes: [...f.sizes],
      weights: f.weights.map((w, k) => saveTensor(w, shapes[k])),
      backend: f.backend,
      epochs: f.epochs,
      bestEpoch: f.bestEpoch,
      loss: f.loss.map(finiteOrNull),
      ...(f.validLoss ? { validLoss: f.validLoss.map(finiteOrNull) } : {}),
    };
  }

  protected json(state: Record<string, unknown>): EstimatorJSON {
    return estimatorJSON(this.type, this.getParams(), state);
  }

  /** Restores the fitted network from saved state, validating every field it reads. */
  protected restore(state: unknown, outputs: number): void {
    const s = (state ?? {}) as Partial<MlpState>;
    const p = this.params;
    const sizes = [s.nFeatures as number, ...p.hidden_layer_sizes, outputs];
    if (
      !Number.isInteger(s.nFeatures) ||
      (s.nFeatures as number) < 1 ||
      !Array.isArray(s.sizes) ||
      s.sizes.length !== sizes.length ||
      s.sizes.some((v, i) => v !== sizes[i])
    ) {
      throw new DataError(`${this.name}: the saved layer sizes do not match hidden_layer_sizes [${p.hidden_layer_sizes.join(', ')}]`);
    }
    const weights = loadTensors(this.name, s.weights, denseShapes(sizes));
    const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? x : NaN)) : []);
    this.fitted = {
      nFeatures: s.nFeatures as number,
      sizes,
      weights,
      backend: typeof s.backend === 'string' ? s.backend : 'unknown',
      epochs: Number.isInteger(s.epochs) ? (s.epochs as number) : 0,
      bestEpoch: Number.isInteger(s.bestEpoch) ? (s.bestEpoch as number) : 0,
      loss: numbers(s.loss),
      ...(s.validLoss ? { validLoss: numbers(s.validLoss) } : {}),
    };
  }
}

function checkSizes(estimator: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
    throw new ParameterError(
      `The '${name}' parameter of ${estimator} must be an array of ints >= 1. Got ${JSON.stringify(value)} instead.`,
      name,
    );
  }
  return [...(value as number[])];
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Checks the saved JSON is an mlp of the expected task before restoring. */
export function checkMlpJSON(json: EstimatorJSON, task: Task): void {
  const state = json.state as { task?: unknown } | null;
  if (json.type !== 'mlp' || !state || typeof state !== 'object' || state.task !== task) {
    throw new DataError(`Not a saved mlp ${task} model (type ${String(json.type)})`);
  }
}
