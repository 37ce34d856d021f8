import type { Checkpoint, FitOptions, Resumable } from '../base/estimator.js';
import { DataError, NotFittedError, ParameterError } from '../base/errors.js';
import type { Table } from '../data/table.js';
import { ModelPipeline, type PipelineSpec } from './model-pipeline.js';
import { referenceProfile, type ReferenceProfile } from './reference-profile.js';
import { ensureBackend } from '../neural/backend.js';

/**
 * The work a thread does for one CV fold or the final fit. Pure functions of
 * structured-cloneable payloads, so a Piscina task file can default-export
 * them. Errors the user caused come back as values: custom error classes do
 * not survive the trip across threads.
 */
export type TaskOutcome<T> = ({ ok: true } & T) | { ok: false; error: { name: string; message: string; details?: unknown } };

/**
 * One piece of a fit that runs in pieces (FitOptions.rounds), so that the
 * rounds of one fold can continue on whichever pool thread is free.
 */
export interface RoundsPiece {
  from?: Checkpoint;
  until: number;
  /** the last piece returns the task's usual result; the others a {@link PieceResult} */
  last: boolean;
}

/** What a piece short of the end returns: where the next piece starts. */
export interface PieceResult {
  checkpoint: Checkpoint;
  fitMs: number;
}

export interface FoldPayload {
  spec: PipelineSpec;
  table: Table;
  trainIdx: Int32Array;
  testIdx: Int32Array;
  rounds?: RoundsPiece;
}

export interface FoldResult {
  metrics: Record<string, number | null>;
  trainRows: number;
  testRows: number;
  fitMs: number;
}

export interface FitPayload {
  spec: PipelineSpec;
  table: Table;
  rounds?: RoundsPiece;
}

export interface FitResult {
  /** the fitted pipeline's JSON text: the model artifact */
  model: string;
  featureSchema: Array<{ name: string; kind: string }>;
  classes: Array<number | string> | null;
  fitMs: number;
  /** the training data's drift reference (src/ml/drift profiles); null for time series or when it cannot be profiled */
  profile: ReferenceProfile | null;
}

function userError(err: unknown): TaskOutcome<never> | null {
  if (err instanceof DataError || err instanceof ParameterError || err instanceof NotFittedError) {
    return { ok: false, error: { name: err.name, message: err.message, details: err instanceof DataError ? err.details : undefined } };
  }
  return null;
}

function finite(metrics: Record<string, number | null>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(metrics)) out[k] = v !== null && Number.isFinite(v) ? v : null;
  return out;
}

/** Fits the pipeline, or one piece of it; a piece short of the end comes back as its checkpoint. */
function fitPiece(p: { spec: PipelineSpec; table: Table; rounds?: RoundsPiece }, rows?: Int32Array): { pipeline: ModelPipeline; fitMs: number } | PieceResult {
  const t0 = performance.now();
  const options: FitOptions = p.rounds ? { rounds: { from: p.rounds.from, until: p.rounds.until } } : {};
  const pipeline = new ModelPipeline(p.spec).fit(p.table, rows, options);
  const fitMs = performance.now() - t0;
  if (p.rounds && !p.rounds.last) return { checkpoint: (pipeline.estimator as unknown as Resumable).checkpoint(), fitMs };
  return { pipeline, fitMs };
}

export function runFold(p: FoldPayload & { rounds?: undefined }): TaskOutcome<FoldResult>;
export function runFold(p: FoldPayload): TaskOutcome<FoldResult | PieceResult>;
export function runFold(p: FoldPayload): TaskOutcome<FoldResult | PieceResult> {
  try {
    const fitted = fitPiece(p, p.trainIdx);
    if ('checkpoint' in fitted) return { ok: true, ...fitted };
    const { pipeline, fitMs } = fitted;
    const metrics = finite(pipeline.evaluate(p.table, p.testIdx));
    return { ok: true, metrics, trainRows: p.trainIdx.length, testRows: p.testIdx.length, fitMs };
  } catch (err) {
    const outcome = userError(err);
    if (outcome) return outcome;
    throw err;
  }
}

/** A profile failure (say an infinity in a column) must not fail the training: the version just has no drift reference. */
function profileOf(pipeline: ModelPipeline, table: Table): ReferenceProfile | null {
  try {
    return referenceProfile(pipeline, table);
  } catch {
    return null;
  }
}

export function fitFinal(p: FitPayload & { rounds?: undefined }): TaskOutcome<FitResult>;
export function fitFinal(p: FitPayload): TaskOutcome<FitResult | PieceResult>;
export function fitFinal(p: FitPayload): TaskOutcome<FitResult | PieceResult> {
  try {
    const fitted = fitPiece(p);
    if ('checkpoint' in fitted) return { ok: true, ...fitted };
    const { pipeline, fitMs } = fitted;
    return {
      ok: true,
      model: JSON.stringify(pipeline.toJSON()),
      featureSchema: pipeline.featureSchema.map((f) => ({ name: f.name, kind: f.kind })),
      classes: pipeline.classes ? [...pipeline.classes] : null,
      fitMs,
      profile: profileOf(pipeline, p.table),
    };
  } catch (err) {
    const outcome = userError(err);
    if (outcome) return outcome;
    throw err;
  }
}

const TENSORFLOW_TYPES = new Set(['mlp', 'lstm']);

/** True when the spec, or a member of an ensemble in it, trains with TensorFlow.js. */
export function needsTensorflow(spec: { type?: unknown; hyperparameters?: unknown }): boolean {
  if (typeof spec.type === 'string' && TENSORFLOW_TYPES.has(spec.type)) return true;
  const hp = (spec.hyperparameters ?? {}) as { estimators?: unknown; final_estimator?: unknown };
  const members = [...(Array.isArray(hp.estimators) ? hp.estimators : []), ...(hp.final_estimator ? [hp.final_estimator] : [])];
  return members.some((m) => typeof m === 'object' && m !== null && needsTensorflow(m as { type?: unknown }));
}

/**
 * Readies a pool thread for a spec: TensorFlow.js picks its fastest backend
 * (tfjs-node, else WASM) asynchronously, once per thread, before a
 * synchronous fit can use it.
 */
export async function prepareThread(spec: PipelineSpec): Promise<void> {
  if (needsTensorflow(spec)) await ensureBackend();
}
