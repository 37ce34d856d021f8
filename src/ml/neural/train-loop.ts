import type * as TF from '@tensorflow/tfjs';
import { AbortError, DataError } from '../base/errors.js';
import type { FitOptions } from '../base/estimator.js';
import type { Rng } from '../base/random.js';
import { tf } from './backend.js';

/** What a network minimises: mean squared error on values, or softmax cross-entropy on one-hot targets. */
export type LossKind = 'mse' | 'softmax_cross_entropy';

/** One training run of a network whose weights are TF.js variables. */
export interface TrainSpec {
  /** estimator name for error messages */
  estimator: string;
  variables: TF.Variable[];
  /** The forward pass; `training` turns dropout on. Returns [rows, outputs]. */
  forward(x: TF.Tensor, training: boolean): TF.Tensor2D;
  loss: LossKind;
  /** training inputs, first axis = rows */
  x: TF.Tensor;
  /** training targets, [rows, outputs] */
  y: TF.Tensor2D;
  /** held-out rows for early stopping, same layout as x and y */
  validation?: { x: TF.Tensor; y: TF.Tensor2D };
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** shuffles the rows each epoch (and drives dropout inside forward) */
  rng: Rng;
  options?: FitOptions;
}

/** What a training run did. */
export interface TrainResult {
  /** epochs run (fewer than planned after early stopping) */
  epochs: number;
  /** the epoch (1-based) whose weights were kept: the best on validation, else the last */
  bestEpoch: number;
  /** mean training loss per epoch */
  loss: number[];
  /** validation loss per epoch, when there was a validation set */
  validLoss?: number[];
}

/**
 * Mini-batch Adam, synchronously: `optimizer.minimize` runs eagerly on the
 * CPU, WASM and native backends, so `fit` keeps the estimator contract's
 * synchronous signature. With early stopping the best epoch's weights are
 * restored at the end (Keras' restore_best_weights).
 */
export function trainNetwork(spec: TrainSpec): TrainResult {
  const t = tf();
  const { options, rng } = spec;
  const n = spec.x.shape[0];
  const batchSize = Math.min(spec.batchSize, n);
  const patience = spec.validation ? options?.earlyStoppingRounds : undefined;
  const optimizer = t.train.adam(spec.learningRate);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const lossHistory: number[] = [];
  const validHistory: number[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: Float32Array[] | undefined;
  try {
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      rng.shuffle(order);
      let total = 0;
      for (let start = 0; start < n; start += batchSize) {
        checkAborted(options?.signal);
        const rows = order.subarray(start, Math.min(start + batchSize, n));
        const idx = t.tensor1d(rows, 'int32');
        const cost = optimizer.minimize(
          () => lossOf(spec.loss, t.gather(spec.y, idx) as TF.Tensor2D, spec.forward(t.gather(spec.x, idx), true)),
          true,
          spec.variables,
        );
        idx.dispose();
        total += cost!.dataSync()[0] * rows.length;
        cost!.dispose();
      }
      const loss = total / n;
      if (!Number.isFinite(loss)) {
        throw new DataError(
          `${spec.estimator}: training diverged (the loss is ${loss}) in epoch ${epoch}; lower 'learning_rate' or scale the inputs`,
          { epoch },
        );
      }
      lossHistory.push(loss);
      const values: Record<string, number> = { loss };
      if (spec.validation) {
        const v = evaluateLoss(spec, spec.validation.x, spec.validation.y);
        validHistory.push(v);
        values.valid_loss = v;
        if (v < best) {
          best = v;
          bestEpoch = epoch;
          if (patience !== undefined) bestWeights = spec.variables.map((w) => w.dataSync().slice() as Float32Array);
        }
      } else {
        bestEpoch = epoch;
      }
      options?.onProgress?.({ step: epoch, total: spec.epochs, values });
      if (patience !== undefined && epoch - bestEpoch >= patience) break;
    }
    if (bestWeights) {
      const saved = bestWeights;
      t.tidy(() => spec.variables.forEach((w, i) => w.assign(t.tensor(saved[i], w.shape))));
    }
  } finally {
    optimizer.dispose();
  }
  const result: TrainResult = { epochs: lossHistory.length, bestEpoch: bestWeights ? bestEpoch : lossHistory.length, loss: lossHistory };
  if (spec.validation) result.validLoss = validHistory;
  return result;
}

/** The loss of the current weights on some rows, without dropout. */
export function evaluateLoss(spec: Pick<TrainSpec, 'forward' | 'loss'>, x: TF.Tensor, y: TF.Tensor2D): number {
  const t = tf();
  const loss = t.tidy(() => lossOf(spec.loss, y, spec.forward(x, false)));
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

function lossOf(kind: LossKind, y: TF.Tensor2D, out: TF.Tensor2D): TF.Scalar {
  const t = tf();
  return kind === 'mse' ? t.losses.meanSquaredError(y, out) : t.losses.softmaxCrossEntropy(y, out);
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}
