import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { DataError, ParameterError } from '../ml/base/errors.js';
import { ModelPipeline, type PredictionResult } from '../ml/pipeline/model-pipeline.js';
import type { Database } from '../registry/database.js';
import { loadModelArtifact, resolveVersion } from '../registry/model-registry.js';
import type { ModelVersionDoc } from '../registry/model-version.model.js';
import { AppError } from '../utils/app-error.js';
import { MicroBatcher } from './micro-batcher.js';
import { PredictCost } from './predict-cost.js';
import { runWithModel, type PredictPool } from './predict-pool.js';
import type { PredictOutcome, WorkError } from './predict-work.js';
import { PredictionCacheStore, type CachedPrediction, type PredictionCache } from './prediction-cache.js';
import type { PredictionLogger } from './prediction-logger.js';
import { predictRecords } from './table-predict.js';

export const predictRequestSchema = z
  .object({
    instances: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
    horizon: z.number().int().positive().max(10_000).optional(),
    version: z.union([z.string(), z.number()]).transform(String).optional(),
    alias: z.string().optional(),
  })
  .strict()
  .refine((b) => b.instances !== undefined || b.horizon !== undefined, { message: 'give instances (a list of records) or horizon (time series)' });
export type PredictRequest = z.infer<typeof predictRequestSchema>;

export interface PredictResponse {
  predictions: Array<number | string>;
  probabilities?: number[][];
  classes?: Array<number | string>;
  prediction_ids: string[];
  model: { name: string; version: string };
  cached: boolean;
}

/** How a request names the version it wants. */
export interface VersionRequest {
  version?: string;
  alias?: string;
}

/**
 * The version a request means: an explicit version, an alias, or the
 * default. Both real-time serving and batch_predict resolve through here, so
 * alias resolution belongs in this one function.
 */
export async function resolveModelVersion(db: Database, modelName: string, req: VersionRequest): Promise<ModelVersionDoc> {
  return resolveVersion(db, modelName, req);
}

/** The version's `serving` block, defaults filled in. */
export function servingConfig(doc: ModelVersionDoc): { batchSize: number; cacheSize: number } {
  const serving = (doc.config as { serving?: { batch_size?: unknown; cache_size?: unknown } } | null)?.serving;
  const int = (v: unknown, dflt: number, min: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? v : dflt);
  return { batchSize: int(serving?.batch_size, 32, 1), cacheSize: int(serving?.cache_size, 1000, 0) };
}

/** One instance's outcome inside a micro-batch. */
type ItemOutcome = { ok: true; value: CachedPrediction } | { ok: false; error: unknown };

/** A loaded model: the fitted pipeline, the version it came from, and what serving keeps per version. */
interface Loaded {
  key: string;
  pipeline: ModelPipeline;
  doc: ModelVersionDoc;
  classes: Array<number | string> | undefined;
  cache: PredictionCache;
  batcher: MicroBatcher<Record<string, unknown>, ItemOutcome>;
  cost: PredictCost;
  /** the pipeline JSON text, made the first time a pool thread needs it */
  text?: string;
}

/** Options of {@link ModelServer}. */
export interface ModelServerOptions {
  /** most instances in one request; more is a 413 */
  maxInstances: number;
  /**
   * Fitted models kept in memory.
   * @defaultValue 32
   */
  loadedModels?: number;
  /**
   * Bytes all loaded versions' prediction caches share (serving.cache_max_bytes).
   * @defaultValue 67108864
   */
  cacheMaxBytes?: number;
  /**
   * Longest a single-instance request waits to share a batch (ms).
   * @defaultValue 2
   */
  batchWaitMs?: number;
  /**
   * Send a batch when the event loop has a turn in which no request joins it.
   * @defaultValue true
   */
  batchIdleFlush?: boolean;
  /**
   * Predictions expected to take longer than this (µs, measured per model) go to the pool.
   * @defaultValue 1000
   */
  inlineMaxMicros?: number;
  /**
   * Reuse a name/alias -> version lookup this long (ms); 0 asks MongoDB every time.
   * @defaultValue 1000
   */
  resolveTtlMs?: number;
  /** threads for heavy predictions; without one everything runs inline */
  pool?: PredictPool | null;
  /** where a sample of predictions is logged */
  predictionLog?: PredictionLogger | null;
  /** tells the other API processes that a model's versions or aliases changed */
  publishChange?: (modelName: string) => Promise<unknown> | void;
  /** told of every predict request, answered or failed (latency and error metrics) */
  observe?: (o: { modelName: string; version: string | null; latencyMs: number; instances?: number; ok: boolean }) => void;
  /** called on close (unsubscribing from changes) */
  onClose?: () => Promise<unknown> | void;
}

/**
 * Answers predictions. Fitted pipelines live in an LRU keyed by version and
 * artifact hash, so a hot model never re-reads GridFS; each loaded version
 * has its prediction cache (LRU of `serving.cache_size` answers by canonical
 * input hash, all versions' answers within one byte budget) and its micro-batcher (concurrent single-instance requests
 * share one predict call of up to `serving.batch_size` rows). A prediction
 * runs inline when it is cheap and in the thread pool when it is not, judged
 * by the model's measured cost.
 */
export class ModelServer {
  private readonly loaded: LRUCache<string, Loaded>;
  /** the byte budget every loaded version's prediction cache shares */
  readonly cacheStore: PredictionCacheStore;
  private readonly loading = new Map<string, Promise<Loaded>>();
  private readonly resolved = new Map<string, { at: number; doc: Promise<ModelVersionDoc>; modelName: string }>();
  private readonly pool: PredictPool | null;
  private readonly log: PredictionLogger | null;
  private readonly inlineMaxMicros: number;
  private readonly resolveTtlMs: number;
  /** predict calls made (inline and pool), cache answers and artifact loads: for tests and metrics */
  readonly stats = { predictCalls: 0, poolCalls: 0, inlineCalls: 0, rowsPredicted: 0, cacheHits: 0, modelLoads: 0, batches: 0 };

  constructor(
    private readonly db: Database,
    private readonly options: ModelServerOptions,
  ) {
    // an unloaded version's cached answers go with it
    this.loaded = new LRUCache({ max: options.loadedModels ?? 32, dispose: (entry) => entry.cache.clear() });
    this.cacheStore = new PredictionCacheStore(options.cacheMaxBytes ?? 64 * 1024 * 1024);
    this.pool = options.pool ?? null;
    this.log = options.predictionLog ?? null;
    this.inlineMaxMicros = options.inlineMaxMicros ?? 1000;
    this.resolveTtlMs = options.resolveTtlMs ?? 1000;
  }

  /** The version a request means, straight from the registry. */
  async resolve(modelName: string, req: VersionRequest): Promise<ModelVersionDoc> {
    return resolveModelVersion(this.db, modelName, req);
  }

  /** `resolve`, reusing an answer for `resolveTtlMs` (failures are not reused). */
  resolveCached(modelName: string, req: VersionRequest): Promise<ModelVersionDoc> {
    if (this.resolveTtlMs <= 0) return this.resolve(modelName, req);
    const key = `${modelName}\u0000${req.version ?? ''}\u0000${req.alias ?? ''}`;
    const now = Date.now();
    const hit = this.resolved.get(key);
    if (hit && now - hit.at < this.resolveTtlMs) return hit.doc;
    const doc = this.resolve(modelName, req);
    this.resolved.set(key, { at: now, doc, modelName });
    doc.catch(() => {
      if (this.resolved.get(key)?.doc === doc) this.resolved.delete(key);
    });
    return doc;
  }

  /** Forgets this process's name/alias lookups of a model (its aliases moved or a version went away). */
  invalidate(modelName: string): void {
    for (const [key, entry] of this.resolved) if (entry.modelName === modelName) this.resolved.delete(key);
  }

  /** Call after changing a model's aliases or versions: forgets lookups here and tells the other API processes. */
  async modelChanged(modelName: string): Promise<void> {
    this.invalidate(modelName);
    await this.options.publishChange?.(modelName);
  }

  async load(doc: ModelVersionDoc): Promise<Loaded> {
    const key = `${doc.modelName}@${doc.version}#${doc.artifact.sha256}`;
    const hit = this.loaded.get(key);
    if (hit) return hit;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = (async () => {
        const json = await loadModelArtifact(this.db, doc);
        this.stats.modelLoads++;
        const entry = this.makeLoaded(key, ModelPipeline.fromJSON(json), doc);
        this.loaded.set(key, entry);
        return entry;
      })().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private makeLoaded(key: string, pipeline: ModelPipeline, doc: ModelVersionDoc): Loaded {
    const { batchSize, cacheSize } = servingConfig(doc);
    const entry: Loaded = {
      key,
      pipeline,
      doc,
      classes: pipeline.classes,
      cache: this.cacheStore.cache(cacheSize),
      cost: new PredictCost(),
      batcher: new MicroBatcher((items) => this.predictBatch(entry, items), {
        maxBatch: batchSize,
        maxWaitMs: this.options.batchWaitMs ?? 2,
        idleFlush: this.options.batchIdleFlush ?? true,
      }),
    };
    return entry;
  }

  async predict(modelName: string, body: PredictRequest): Promise<PredictResponse> {
    const started = performance.now();
    const observe = this.options.observe;
    if (!observe) return this.answer(modelName, body, started, null);
    const seen: { version: string | null } = { version: null };
    try {
      const res = await this.answer(modelName, body, started, seen);
      observe({ modelName, version: res.model.version, latencyMs: performance.now() - started, instances: res.predictions.length, ok: true });
      return res;
    } catch (err) {
      // Unknown names are not counted: anyone could mint metric labels with them.
      if (!(err instanceof AppError && err.status === 404)) observe({ modelName, version: seen.version, latencyMs: performance.now() - started, ok: false });
      throw err;
    }
  }

  private async answer(modelName: string, body: PredictRequest, started: number, seen: { version: string | null } | null): Promise<PredictResponse> {
    const n = body.instances?.length ?? 0;
    if (n > this.options.maxInstances) {
      throw new AppError('payload_too_large', `too many instances: ${n}; the limit per request is ${this.options.maxInstances}`, {
        details: { instances: n, limit: this.options.maxInstances },
      });
    }
    const doc = await this.resolveCached(modelName, body);
    if (seen) seen.version = doc.version;
    const loaded = await this.load(doc);
    const model = { name: doc.modelName, version: doc.version };
    if (doc.task === 'timeseries') {
      if (!body.horizon) throw new AppError('validation_failed', `model '${modelName}' forecasts a time series: send {"horizon": h}`);
      const forecast = await this.execute(loaded, { horizon: body.horizon }, body.horizon);
      const ids = forecast.predictions.map(() => randomUUID());
      this.logForecast(loaded, ids, body.horizon, forecast.predictions, started);
      return { predictions: forecast.predictions, prediction_ids: ids, model, cached: false };
    }
    if (!body.instances) throw new AppError('validation_failed', 'instances is required: a list of records, one per row to predict');
    const instances = body.instances;
    const answers = new Array<CachedPrediction>(n);
    const { cache } = loaded;
    const keys = cache.enabled ? instances.map((x) => cache.key(x)) : null;
    const misses: number[] = [];
    for (let i = 0; i < n; i++) {
      const hit = keys ? cache.get(keys[i]) : undefined;
      if (hit) answers[i] = hit;
      else misses.push(i);
    }
    this.stats.cacheHits += n - misses.length;
    if (misses.length === 1 && n === 1) {
      const outcome = await loaded.batcher.add(instances[0]);
      if (!outcome.ok) throw outcome.error;
      answers[0] = outcome.value;
    } else if (misses.length > 0) {
      const records = misses.length === n ? instances : misses.map((i) => instances[i]);
      const result = await this.execute(loaded, { records }, records.length);
      misses.forEach((i, k) => {
        answers[i] = answerOf(result, k);
      });
    }
    if (keys) for (const i of misses) cache.set(keys[i], answers[i]);
    const ids = instances.map(() => randomUUID());
    const response: PredictResponse = {
      predictions: answers.map((a) => a.prediction),
      ...(loaded.classes ? { probabilities: answers.map((a) => a.probabilities ?? []), classes: loaded.classes } : {}),
      prediction_ids: ids,
      model,
      cached: misses.length === 0,
    };
    if (this.log) this.logInstances(loaded, ids, instances, answers, started);
    return response;
  }

  /** The micro-batcher's run: one predict call for the batch; a user error in it is pinned on the instance(s) that caused it. */
  private async predictBatch(loaded: Loaded, items: Record<string, unknown>[]): Promise<ItemOutcome[]> {
    this.stats.batches++;
    try {
      const result = await this.execute(loaded, { records: items }, items.length);
      return items.map((_, k) => ({ ok: true, value: answerOf(result, k) }));
    } catch (err) {
      if (items.length === 1 || !(err instanceof DataError || err instanceof ParameterError)) return items.map(() => ({ ok: false, error: err }));
      return Promise.all(
        items.map((item) =>
          this.execute(loaded, { records: [item] }, 1).then(
            (r): ItemOutcome => ({ ok: true, value: answerOf(r, 0) }),
            (error: unknown): ItemOutcome => ({ ok: false, error }),
          ),
        ),
      );
    }
  }

  /** Predicts inline or in the pool, whichever the model's measured cost says, and learns from the timing. */
  private async execute(loaded: Loaded, work: { records?: Record<string, unknown>[]; horizon?: number }, rows: number): Promise<PredictionResult> {
    this.stats.predictCalls++;
    this.stats.rowsPredicted += rows;
    const estimate = loaded.cost.estimate(rows);
    if (this.pool && (estimate === undefined || estimate > this.inlineMaxMicros)) {
      this.stats.poolCalls++;
      const pool = this.pool;
      const outcome = await runWithModel<{ sha256: string; model?: string } & typeof work, PredictOutcome>(
        (payload) => pool.run(payload),
        { sha256: loaded.doc.artifact.sha256, ...work },
        () => (loaded.text ??= JSON.stringify(loaded.pipeline.toJSON())),
      );
      if (!outcome.ok) throw rebuildError(outcome);
      loaded.cost.observe(rows, outcome.micros);
      return outcome;
    }
    this.stats.inlineCalls++;
    const t0 = performance.now();
    const result = work.horizon !== undefined ? { predictions: loaded.pipeline.forecast(work.horizon) } : predictRecords(loaded.pipeline, work.records ?? []);
    loaded.cost.observe(rows, (performance.now() - t0) * 1000);
    return result;
  }

  private logInstances(loaded: Loaded, ids: string[], instances: Record<string, unknown>[], answers: CachedPrediction[], started: number): void {
    const log = this.log!;
    const latencyMs = performance.now() - started;
    const createdAt = new Date();
    for (let i = 0; i < ids.length; i++) {
      if (!log.sample()) continue;
      const a = answers[i];
      log.push({
        id: ids[i],
        modelName: loaded.doc.modelName,
        version: loaded.doc.version,
        input: instances[i],
        prediction: a.prediction,
        ...(a.probabilities ? { probabilities: a.probabilities } : {}),
        latencyMs,
        createdAt,
      });
    }
  }

  private logForecast(loaded: Loaded, ids: string[], horizon: number, values: Array<number | string>, started: number): void {
    if (!this.log) return;
    const latencyMs = performance.now() - started;
    const createdAt = new Date();
    for (let i = 0; i < ids.length; i++) {
      if (!this.log.sample()) continue;
      this.log.push({
        id: ids[i],
        modelName: loaded.doc.modelName,
        version: loaded.doc.version,
        input: { horizon, step: i + 1 },
        prediction: values[i],
        latencyMs,
        createdAt,
      });
    }
  }

  /** Prediction log counters: rows written, dropped for a full buffer, lost to failed inserts. */
  get logStats(): { written: number; dropped: number; failed: number; buffered: number } | null {
    return this.log ? { written: this.log.written, dropped: this.log.dropped, failed: this.log.failed, buffered: this.log.buffered } : null;
  }

  /** Waits until every logged prediction so far has been written (tests, shutdown). */
  async flushLog(): Promise<void> {
    await this.log?.flush();
  }

  /** Flushes the prediction log, stops the pool and unsubscribes. */
  async close(): Promise<void> {
    await this.log?.close();
    await this.pool?.close();
    await this.options.onClose?.();
  }
}

function answerOf(result: PredictionResult, k: number): CachedPrediction {
  const probabilities = result.probabilities?.[k];
  return probabilities ? { prediction: result.predictions[k], probabilities } : { prediction: result.predictions[k] };
}

/** A user error that came back from a pool thread as a value, as the error class the API maps to 400. */
function rebuildError(outcome: WorkError): Error {
  const { name, message, details } = outcome.error;
  if (name === 'ParameterError') return new ParameterError(message);
  if (name === 'NotFittedError') return new AppError('internal', message);
  return new DataError(message, details);
}
