import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { ModelPipeline } from '../ml/pipeline/model-pipeline.js';
import type { Database } from '../registry/database.js';
import { findVersion, loadModelArtifact } from '../registry/model-registry.js';
import type { ModelVersionDoc } from '../registry/model-version.model.js';
import { AppError } from '../utils/app-error.js';

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

/** A loaded model: the fitted pipeline and the version it came from. */
interface Loaded {
  pipeline: ModelPipeline;
  doc: ModelVersionDoc;
}

/**
 * Answers predictions. Fitted pipelines live in an LRU keyed by version and
 * artifact hash, so a hot model never re-reads GridFS.
 */
export class ModelServer {
  private readonly loaded: LRUCache<string, Loaded>;
  private readonly loading = new Map<string, Promise<Loaded>>();

  constructor(
    private readonly db: Database,
    private readonly options: { maxInstances: number; loadedModels?: number },
  ) {
    this.loaded = new LRUCache({ max: options.loadedModels ?? 32 });
  }

  async resolve(modelName: string, req: { version?: string; alias?: string }): Promise<ModelVersionDoc> {
    if (req.alias && req.alias !== 'latest') throw new AppError('not_found', `alias '${req.alias}' of model '${modelName}' not found`);
    return findVersion(this.db, modelName, req.version);
  }

  async load(doc: ModelVersionDoc): Promise<Loaded> {
    const key = `${doc.modelName}@${doc.version}#${doc.artifact.sha256}`;
    const hit = this.loaded.get(key);
    if (hit) return hit;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = (async () => {
        const json = await loadModelArtifact(this.db, doc);
        const entry = { pipeline: ModelPipeline.fromJSON(json), doc };
        this.loaded.set(key, entry);
        return entry;
      })().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  async predict(modelName: string, body: PredictRequest): Promise<PredictResponse> {
    const n = body.instances?.length ?? 0;
    if (n > this.options.maxInstances) {
      throw new AppError('payload_too_large', `too many instances: ${n}; the limit per request is ${this.options.maxInstances}`);
    }
    const doc = await this.resolve(modelName, body);
    const { pipeline } = await this.load(doc);
    const model = { name: doc.modelName, version: doc.version };
    if (doc.task === 'timeseries') {
      if (!body.horizon) throw new AppError('validation_failed', `model '${modelName}' forecasts a time series: send {"horizon": h}`);
      const forecast = pipeline.forecast(body.horizon);
      return { predictions: forecast, prediction_ids: forecast.map(() => randomUUID()), model, cached: false };
    }
    if (!body.instances) throw new AppError('validation_failed', 'instances is required: a list of records, one per row to predict');
    const result = pipeline.predictRecords(body.instances);
    return {
      predictions: result.predictions,
      ...(result.probabilities ? { probabilities: result.probabilities, classes: result.classes } : {}),
      prediction_ids: result.predictions.map(() => randomUUID()),
      model,
      cached: false,
    };
  }
}
