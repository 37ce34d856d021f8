import { gzipSync } from 'node:zlib';
import { parseCsv } from '../../../src/ml/data/csv.js';
import { ModelPipeline, type PipelineSpec } from '../../../src/ml/pipeline/model-pipeline.js';
import type { Database } from '../../../src/registry/database.js';
import { MemoryArtifactStore } from '../../../src/registry/memory-artifact-store.js';
import type { ModelVersionDoc } from '../../../src/registry/model-version.model.js';

/** A small CSV: two numbers, a category and a yes/no label. */
export function smallCsv(rows = 80): string {
  const lines = ['x1,x2,color,label'];
  let s = 3;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < rows; i++) {
    const x1 = +(r() * 10).toFixed(2);
    const x2 = +(r() * 4 - 2).toFixed(2);
    const color = ['red', 'green', 'blue'][i % 3];
    lines.push(`${x1},${x2},${color},${x1 + x2 + (color === 'red' ? 2 : 0) > 5 ? 'yes' : 'no'}`);
  }
  return lines.join('\n') + '\n';
}

export function fitPipeline(spec: Partial<PipelineSpec> = {}): ModelPipeline {
  return new ModelPipeline({
    type: 'gradient_boosting',
    hyperparameters: { n_estimators: 5, max_depth: 2 },
    task: 'classification',
    target: 'label',
    ...spec,
  } as PipelineSpec).fit(parseCsv(smallCsv()));
}

/** A registry double: artifacts in memory, one version document per stored pipeline. */
export async function storeVersion(
  store: MemoryArtifactStore,
  pipeline: ModelPipeline,
  over: { modelName?: string; version?: string; serving?: Record<string, unknown> } = {},
): Promise<ModelVersionDoc> {
  const info = await store.put('m.json.gz', gzipSync(Buffer.from(JSON.stringify(pipeline.toJSON()))));
  return {
    modelName: over.modelName ?? 'm',
    version: over.version ?? '1',
    seq: 1,
    status: 'ready',
    task: pipeline.task,
    type: pipeline.spec.type,
    target: pipeline.spec.target,
    features: pipeline.featureSchema.map((f) => f.name),
    featureSchema: pipeline.featureSchema.map((f) => ({ ...f })),
    classes: pipeline.classes ?? null,
    hyperparameters: {},
    config: { serving: over.serving ?? { batch_size: 32, cache_size: 100 } },
    metrics: {},
    cvMetrics: {},
    artifact: { fileId: info.id, sha256: info.sha256, sizeBytes: info.sizeBytes, format: 'trainyard.pipeline+json.gz' },
    lineage: {},
    sourceJobId: 'job',
  } as unknown as ModelVersionDoc;
}

/** Counts whole-artifact reads of the store. */
export function countReads(store: MemoryArtifactStore): { reads: number } {
  const counter = { reads: 0 };
  const get = store.get.bind(store);
  store.get = (id, sha) => {
    counter.reads++;
    return get(id, sha);
  };
  return counter;
}

export function fakeDb(store: MemoryArtifactStore): Database {
  return { artifacts: store } as unknown as Database;
}
