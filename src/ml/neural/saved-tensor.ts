import { DataError } from '../base/errors.js';

/** A weight tensor in a model's JSON: its shape and its values flat, row-major (no nested arrays). */
export interface SavedTensor {
  shape: number[];
  values: number[];
}

export function saveTensor(values: Float32Array, shape: readonly number[]): SavedTensor {
  return { shape: [...shape], values: Array.from(values) };
}

/**
 * Reads saved tensors back, checking each has the expected shape and only
 * finite numbers (a model file is input, never trusted).
 */
export function loadTensors(estimator: string, saved: unknown, shapes: readonly (readonly number[])[]): Float32Array[] {
  if (!Array.isArray(saved) || saved.length !== shapes.length) {
    throw new DataError(`${estimator}: the saved model should hold ${shapes.length} weight tensors`);
  }
  return shapes.map((shape, k) => {
    const item = saved[k] as Partial<SavedTensor> | null;
    const size = shape.reduce((a, b) => a * b, 1);
    if (
      !item ||
      !Array.isArray(item.shape) ||
      item.shape.length !== shape.length ||
      item.shape.some((d, j) => d !== shape[j]) ||
      !Array.isArray(item.values) ||
      item.values.length !== size
    ) {
      throw new DataError(`${estimator}: saved weight tensor ${k} should have shape [${shape.join(', ')}]`);
    }
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const v = item.values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DataError(`${estimator}: saved weight tensor ${k} holds a non-finite value at ${i}`);
      }
      out[i] = v;
    }
    return out;
  });
}
