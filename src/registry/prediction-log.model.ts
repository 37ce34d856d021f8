import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The sample of served predictions, stored as buckets (MongoDB's bucket
 * pattern): each document holds up to a flush's worth of one model
 * version's predictions, column by column, so the log costs one insert per
 * flush instead of one per prediction. Entry i of a bucket is `ids[i]`,
 * `at[i]`, `latencyMs[i]`, `predictions[i]`, `inputs[key][i]` for each input
 * key, and probabilities `[i * k, (i + 1) * k)` with k classes. Drift checks
 * read the inputs and outputs; feedback finds predictions through the `ids`
 * index and keeps labels in `prediction_feedback`.
 */
const predictionLogSchema = new Schema(
  {
    modelName: { type: String, required: true },
    version: { type: String, required: true },
    /** times of the first and the last prediction in the bucket */
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    count: { type: Number, required: true },
    /** the prediction ids returned to the callers */
    ids: { type: [String], required: true },
    at: { type: [Date], required: true },
    latencyMs: { type: [Number], required: true },
    /** predicted labels or values */
    predictions: { type: [Schema.Types.Mixed], required: true },
    /** class probabilities, `count` rows of k in `classes` order, flat: MongoDB-protocol servers such as FerretDB refuse nested arrays */
    probabilities: { type: [Number], default: undefined },
    /** input key -> its values, null where an instance lacked the key; object or array values as JSON text */
    inputs: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'prediction_log', versionKey: false, minimize: false },
);
predictionLogSchema.index({ modelName: 1, to: -1 });
predictionLogSchema.index({ ids: 1 });

/** A bucket as stored (see the schema above). */
export interface PredictionBucket {
  modelName: string;
  version: string;
  from: Date;
  to: Date;
  count: number;
  ids: string[];
  at: Date[];
  latencyMs: number[];
  predictions: unknown[];
  probabilities?: number[];
  inputs: Record<string, unknown[]>;
}

export function predictionLogModel(conn: Connection): Model<PredictionBucket> {
  return (conn.models.PredictionLog as Model<PredictionBucket>) ?? conn.model<PredictionBucket>('PredictionLog', predictionLogSchema);
}

/**
 * True labels sent for predictions (POST /v1/models/:name/feedback), stored
 * whatever the state of the prediction log and joined to it when monitoring
 * reads: a label can arrive before its prediction has left the log's
 * buffer. One document per model and prediction id.
 */
const predictionFeedbackSchema = new Schema(
  {
    /** `${modelName}:${predictionId}` (model names have no ':'; see feedbackId) */
    _id: { type: String, required: true },
    modelName: { type: String, required: true },
    predictionId: { type: String, required: true },
    label: { type: Schema.Types.Mixed, required: true },
    labeledAt: { type: Date, required: true },
    /** true once the prediction was found in the log; pending labels expire (monitoring.feedbackPendingHours) */
    matched: { type: Boolean, required: true },
  },
  { collection: 'prediction_feedback', versionKey: false },
);
predictionFeedbackSchema.index({ modelName: 1, labeledAt: -1 });
predictionFeedbackSchema.index({ modelName: 1, matched: 1, labeledAt: 1 });

/** The feedback document id of a model's prediction. */
export function feedbackId(modelName: string, predictionId: string): string {
  return `${modelName}:${predictionId}`;
}

export type PredictionFeedbackDoc = InferSchemaType<typeof predictionFeedbackSchema>;

export function predictionFeedbackModel(conn: Connection): Model<PredictionFeedbackDoc> {
  return (conn.models.PredictionFeedback as Model<PredictionFeedbackDoc>) ?? conn.model<PredictionFeedbackDoc>('PredictionFeedback', predictionFeedbackSchema);
}

/** One served prediction as the log takes and gives it. */
export interface LoggedPrediction {
  id: string;
  modelName: string;
  version: string;
  /** the instance as received ('.' and '$' in keys stored as U+FF0E and U+FF04) */
  input: Record<string, unknown>;
  prediction: unknown;
  probabilities?: number[];
  latencyMs: number;
  createdAt: Date;
}

/** How an input key is stored: '.' and '$', which MongoDB-protocol servers refuse in keys, as U+FF0E and U+FF04. */
export function storedKey(key: string): string {
  return key.includes('.') || key.includes('$') ? key.replaceAll('.', '\uff0e').replaceAll('$', '\uff04') : key;
}

/** Scalars as they are; objects and arrays as JSON text (a column of arrays would nest arrays). */
function cell(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
}

/** Estimated size at which a bucket is closed: a quarter of MongoDB's 16 MB document limit, for the estimate's slack. */
const BUCKET_MAX_BYTES = 4 * 1024 * 1024;

/** Rough BSON bytes an entry adds to a bucket: a cell per column, each with its array-index key. */
function entryBytes(e: LoggedPrediction): number {
  let bytes = 128 + (e.probabilities?.length ?? 0) * 16;
  for (const k in e.input) {
    const v = e.input[k];
    bytes += 16 + (typeof v === 'string' ? v.length : v !== null && typeof v === 'object' ? JSON.stringify(v).length : 8);
  }
  return bytes;
}

/**
 * Packs predictions into buckets, one per model version (more when one
 * would pass BUCKET_MAX_BYTES, as with thousands of input keys), in the
 * order given.
 */
export function toBuckets(entries: readonly LoggedPrediction[]): PredictionBucket[] {
  const open = new Map<string, { entries: LoggedPrediction[]; bytes: number }>();
  const groups: LoggedPrediction[][] = [];
  for (const e of entries) {
    const key = `${e.modelName}\u0000${e.version}`;
    const bytes = entryBytes(e);
    let g = open.get(key);
    if (!g || (g.entries.length > 0 && g.bytes + bytes > BUCKET_MAX_BYTES)) {
      g = { entries: [], bytes: 0 };
      open.set(key, g);
      groups.push(g.entries);
    }
    g.entries.push(e);
    g.bytes += bytes;
  }
  return groups.map((g) => {
    const n = g.length;
    const inputs: Record<string, unknown[]> = {};
    g.forEach((e, i) => {
      for (const k of Object.keys(e.input)) {
        const name = storedKey(k);
        (inputs[name] ??= new Array<unknown>(n).fill(null))[i] = cell(e.input[k]);
      }
    });
    const k = g[0].probabilities?.length ?? 0;
    const withProbabilities = k > 0 && g.every((e) => e.probabilities?.length === k);
    let from = g[0].createdAt;
    let to = g[0].createdAt;
    for (const e of g) {
      if (e.createdAt < from) from = e.createdAt;
      if (e.createdAt > to) to = e.createdAt;
    }
    return {
      modelName: g[0].modelName,
      version: g[0].version,
      from,
      to,
      count: n,
      ids: g.map((e) => e.id),
      at: g.map((e) => e.createdAt),
      latencyMs: g.map((e) => e.latencyMs),
      predictions: g.map((e) => cell(e.prediction)),
      ...(withProbabilities ? { probabilities: g.flatMap((e) => e.probabilities!.map((p) => (Number.isFinite(p) ? p : 0))) } : {}),
      inputs,
    };
  });
}

/** The predictions of a stored bucket (or of the parts of it a query selected), in bucket order. */
export function fromBucket(b: Partial<PredictionBucket>): LoggedPrediction[] {
  const n = b.ids?.length ?? 0;
  const inputs = (b.inputs ?? {}) as Record<string, unknown[]>;
  const keys = Object.keys(inputs);
  const k = b.probabilities && n > 0 ? b.probabilities.length / n : 0;
  const out: LoggedPrediction[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const input: Record<string, unknown> = {};
    for (const key of keys) if (inputs[key][i] !== null) input[key] = inputs[key][i];
    out[i] = {
      id: b.ids![i],
      modelName: b.modelName ?? '',
      version: b.version ?? '',
      input,
      prediction: b.predictions?.[i] ?? null,
      ...(k > 0 ? { probabilities: b.probabilities!.slice(i * k, (i + 1) * k) } : {}),
      latencyMs: b.latencyMs?.[i] ?? 0,
      createdAt: b.at?.[i] ?? b.to ?? new Date(0),
    };
  }
  return out;
}
