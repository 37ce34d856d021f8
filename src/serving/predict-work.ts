import { DataError, NotFittedError, ParameterError } from '../ml/base/errors.js';
import { DEFAULT_NA_VALUES } from '../ml/data/coerce.js';
import { csvChunks, parseCsv } from '../ml/data/csv.js';
import { createTable, type Column, type ColumnKind, type Table } from '../ml/data/table.js';
import { ModelPipeline, type PredictionResult } from '../ml/pipeline/model-pipeline.js';
import { predictRecords, predictTable, type TablePrediction } from './table-predict.js';

/**
 * The prediction work a pool thread does, as pure functions of
 * structured-cloneable payloads (the task files in workers/tasks
 * default-export them). Each thread keeps the pipelines it has loaded, by
 * artifact sha256; a payload carries the pipeline JSON only after the
 * thread said it lacks it, so a hot model crosses the thread boundary once.
 */

/** What every task answers when the thread does not hold the model: resend with `model`. */
export interface ModelMiss {
  ok: false;
  miss: true;
}

/** A user error (bad instances, bad data) as a value: custom error classes do not survive the trip across threads. */
export interface WorkError {
  ok: false;
  miss?: false;
  error: { name: string; message: string; details?: Record<string, unknown> };
}

interface ModelRef {
  /** the artifact's sha256: the thread's cache key */
  sha256: string;
  /** the pipeline JSON text; sent only after a miss */
  model?: string;
}

export interface PredictPayload extends ModelRef {
  /** instances to predict (classification and regression) */
  records?: Record<string, unknown>[];
  /** steps to forecast (time series) */
  horizon?: number;
}

export type PredictOutcome = ({ ok: true; micros: number } & PredictionResult) | ModelMiss | WorkError;

export interface BlockPayload extends ModelRef {
  /** the CSV header line of the input */
  header: string;
  /** whole data lines (a quoted field may span lines, never a block boundary) */
  text: string;
  /** data row number of the block's first line, for error messages */
  firstRow: number;
  /** kinds of the feature columns; other columns pass through as text */
  kinds: Record<string, ColumnKind>;
  /** output column names: the prediction, then one per class for classifiers */
  predictionColumn: string;
  probabilityColumns: string[];
}

export type BlockOutcome = { ok: true; csv: string; rows: number; micros: number } | ModelMiss | WorkError;

/** Pipelines this thread holds, most recently used last. */
const models = new Map<string, ModelPipeline>();
/** pipelines kept per thread */
export const THREAD_MODELS = 8;

function modelFor(ref: ModelRef): ModelPipeline | null {
  const hit = models.get(ref.sha256);
  if (hit) {
    models.delete(ref.sha256);
    models.set(ref.sha256, hit);
    return hit;
  }
  if (ref.model === undefined) return null;
  const pipeline = ModelPipeline.fromJSON(JSON.parse(ref.model));
  models.set(ref.sha256, pipeline);
  if (models.size > THREAD_MODELS) models.delete(models.keys().next().value!);
  return pipeline;
}

/** The sha256 keys of the pipelines this thread holds (tests). */
export function heldModels(): string[] {
  return [...models.keys()];
}

function asWorkError(err: unknown): WorkError {
  if (err instanceof DataError || err instanceof ParameterError || err instanceof NotFittedError) {
    return { ok: false, error: { name: err.name, message: err.message, details: err instanceof DataError ? err.details : undefined } };
  }
  throw err;
}

export function predictTask(p: PredictPayload): PredictOutcome {
  try {
    const pipeline = modelFor(p);
    if (!pipeline) return { ok: false, miss: true };
    const t0 = performance.now();
    const result: PredictionResult =
      p.horizon !== undefined ? { predictions: pipeline.forecast(p.horizon) } : predictRecords(pipeline, p.records ?? []);
    return { ok: true, micros: (performance.now() - t0) * 1000, ...result };
  } catch (err) {
    return asWorkError(err);
  }
}

/**
 * Predicts one block of a CSV and answers it as CSV lines: the input
 * columns, then the prediction and the class probabilities. Input lines
 * without quotes are passed through as they came; a block with quotes is
 * written anew from the parsed table.
 */
export function predictBlockTask(p: BlockPayload): BlockOutcome {
  try {
    const pipeline = modelFor(p);
    if (!pipeline) return { ok: false, miss: true };
    const t0 = performance.now();
    const table = parseCsv(`${p.header}\n${p.text}`, { schema: p.kinds, unlisted: 'string', firstRow: p.firstRow });
    if (table.rowCount === 0) return { ok: true, csv: '', rows: 0, micros: 0 };
    const result = predictTable(pipeline, table);
    const k = result.probabilities ? p.probabilityColumns.length : 0;
    const csv = (p.text.includes('"') ? null : appendToLines(p.text, result, k, table.rowCount)) ?? rewrite(table, result, p);
    return { ok: true, csv, rows: table.rowCount, micros: (performance.now() - t0) * 1000 };
  } catch (err) {
    return asWorkError(err);
  }
}

/** Each non-blank input line plus `,prediction,p1,...`; null when the lines do not match the rows one to one. */
function appendToLines(text: string, result: TablePrediction, k: number, rows: number): string | null {
  const parts: string[] = [];
  const { predictions, probabilities } = result;
  const data = probabilities?.data;
  let i = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end > start) {
      if (i >= rows) return null;
      let line = `${text.slice(start, end)},${labelText(predictions[i])}`;
      for (let c = 0; c < k; c++) line += `,${data![i * k + c]}`;
      parts.push(line);
      i++;
    }
    start = next;
  }
  if (i !== rows) return null;
  parts.push('');
  return parts.join('\n');
}

/** label texts that would read back as missing unless quoted */
const NA_TEXT = new Set<string>(DEFAULT_NA_VALUES);

function labelText(v: number | string): string {
  if (typeof v === 'number') return v === v ? String(v) : '';
  return /[",\n\r]/.test(v) || v !== v.trim() || NA_TEXT.has(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The block written anew from its parsed table (quoted input). */
function rewrite(table: Table, result: TablePrediction, p: BlockPayload): string {
  const out: Column[] = [...table.columns, labelColumn(p.predictionColumn, Array.from(result.predictions as ArrayLike<number | string>))];
  if (result.probabilities) {
    const { cols, data } = result.probabilities;
    p.probabilityColumns.forEach((name, c) => {
      const values = new Float64Array(table.rowCount);
      for (let i = 0; i < table.rowCount; i++) values[i] = data[i * cols + c];
      out.push({ name, kind: 'number', values });
    });
  }
  let csv = '';
  let first = true;
  for (const chunk of csvChunks(createTable(out), table.rowCount)) {
    if (first) first = false;
    else csv += chunk;
  }
  return csv;
}

function labelColumn(name: string, labels: (number | string)[]): Column {
  if (labels.every((v) => typeof v === 'number')) return { name, kind: 'number', values: Float64Array.from(labels as number[]) };
  return { name, kind: 'string', values: labels.map((v) => String(v)) };
}
