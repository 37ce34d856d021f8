import { createHash } from 'node:crypto';
import type { BatchPredictJob, BatchPredictResult, JobProgress } from '../../queues/job-schemas.js';
import { CsvStreamParser } from '../ml/data/csv-stream-parser.js';
import type { ColumnKind } from '../ml/data/table.js';
import { ModelPipeline } from '../ml/pipeline/model-pipeline.js';
import type { Database } from '../registry/database.js';
import { checkDatasetName, insertDatasetVersion, resolveDataset } from '../registry/dataset-service.js';
import type { DatasetDoc } from '../registry/dataset.model.js';
import { loadModelArtifact } from '../registry/model-registry.js';
import type { ModelVersionDoc } from '../registry/model-version.model.js';
import { AppError } from '../utils/app-error.js';
import { CsvBlockSplitter, type CsvBlock } from './csv-blocks.js';
import { resolveModelVersion, servingConfig } from './model-server.js';
import { runWithModel } from './predict-pool.js';
import type { BlockOutcome, BlockPayload, ModelMiss } from './predict-work.js';

/** What a batch_predict job needs from the worker. */
export interface BatchPredictDeps {
  db: Database;
  /** runs workers/tasks/batch-predict.task on a pool thread */
  runBlock: (payload: BlockPayload, signal: AbortSignal) => Promise<BlockOutcome | ModelMiss>;
  /** pool threads: blocks in flight are twice this */
  threads: number;
  /**
   * Rows per block sent to a thread (at least the model's serving.batch_size).
   * @defaultValue 10000
   */
  blockRows?: number;
  jobId: string;
  signal: AbortSignal;
  progress: (p: JobProgress) => Promise<void>;
}

interface Plan {
  model: ModelVersionDoc;
  dataset: DatasetDoc;
  kinds: Record<string, ColumnKind>;
}

/** Resolves the model and the dataset and checks the dataset has the model's features (404 / 400 otherwise). */
async function plan(db: Database, job: BatchPredictJob): Promise<Plan> {
  const model = await resolveModelVersion(db, job.model_name, { version: job.version, alias: job.alias });
  if (model.task === 'timeseries') {
    throw new AppError('validation_failed', `model '${job.model_name}' forecasts a time series; batch_predict predicts rows of a dataset (use POST /v1/models/${job.model_name}/predict with {"horizon": h})`);
  }
  const dataset = await resolveDataset(db, job.dataset);
  const features = (model.featureSchema ?? []) as Array<{ name: string; kind: ColumnKind }>;
  const have = new Set(dataset.columns.map((c) => c.name));
  const missing = features.filter((f) => !have.has(f.name)).map((f) => f.name);
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      `dataset '${dataset.name}' lacks the feature${missing.length === 1 ? '' : 's'} ${missing.map((m) => `'${m}'`).join(', ')} of model '${model.modelName}' version ${model.version}`,
      { details: { missing, available: [...have] } },
    );
  }
  const kinds: Record<string, ColumnKind> = {};
  for (const f of features) kinds[f.name] = f.kind;
  return { model, dataset, kinds };
}

/** The API's check before queueing: unknown model, version, alias or dataset is a 404; missing features a 400. */
export async function validateBatchPredictJob(db: Database, job: BatchPredictJob): Promise<void> {
  await plan(db, job);
  if (job.output_name) checkDatasetName(job.output_name);
}

function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let i = 1; taken.has(name); i++) name = `${wanted}_${i}`;
  taken.add(name);
  return name;
}

function outputName(job: BatchPredictJob, dataset: DatasetDoc): string {
  if (job.output_name) return checkDatasetName(job.output_name);
  return checkDatasetName(`${dataset.name.slice(0, 116)}-predictions`);
}

/**
 * Runs a batch_predict job: streams the dataset's CSV from GridFS, cuts it
 * into blocks of whole records, predicts the blocks in pool threads (a few in
 * flight, answered in order), and streams the output CSV (input columns,
 * `prediction`, and `proba_<class>` per class for classifiers) into GridFS as
 * a new dataset whose `source` records the lineage. Memory holds a few
 * blocks, never the dataset. A retried job finds the output its first
 * attempt registered.
 */
export async function runBatchPredictJob(job: BatchPredictJob, deps: BatchPredictDeps): Promise<BatchPredictResult> {
  const { db, jobId, signal } = deps;
  const done = await db.datasets.findOne({ 'source.kind': 'batch_predict', 'source.job_id': jobId }).lean<DatasetDoc>();
  if (done) return { output_dataset: { id: String(done._id), name: done.name, version: done.version }, rows: done.rowCount };

  const { model, dataset, kinds } = await plan(db, job);
  const json = await loadModelArtifact(db, model);
  const pipeline = ModelPipeline.fromJSON(json);
  let modelText: string | undefined;
  const text = (): string => (modelText ??= JSON.stringify(json));

  const taken = new Set(dataset.columns.map((c) => c.name));
  const predictionColumn = uniqueName('prediction', taken);
  const classes = pipeline.classes ?? [];
  const probabilityColumns = classes.map((c) => uniqueName(`proba_${String(c)}`, taken));
  const name = outputName(job, dataset);
  const blockRows = Math.max(servingConfig(model).batchSize, deps.blockRows ?? 10_000);
  const maxInFlight = Math.max(2, deps.threads * 2);

  let rows = 0;
  let header: string | undefined;
  let lastProgress = 0;
  const total = dataset.rowCount;
  const report = async (force = false): Promise<void> => {
    const now = Date.now();
    if (!force && now - lastProgress < 500) return;
    lastProgress = now;
    await deps.progress({ stage: 'predicting', done: rows, total });
  };
  await deps.progress({ stage: 'predicting', done: 0, total });

  const hash = createHash('sha256');
  async function* inputText(): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of db.artifacts.stream(String(dataset.fileId))) {
      if (signal.aborted) throw signal.reason ?? new Error('cancelled');
      hash.update(chunk);
      yield decoder.decode(chunk, { stream: true });
    }
    const rest = decoder.decode();
    if (rest) yield rest;
    const actual = hash.digest('hex');
    if (actual !== dataset.sha256) {
      throw new AppError('internal', `dataset '${dataset.name}' version ${dataset.version} is corrupted: its bytes hash to ${actual}, not the recorded ${dataset.sha256}`);
    }
  }

  const predictBlock = async (block: CsvBlock): Promise<string> => {
    const outcome = await runWithModel(
      (payload: BlockPayload) => deps.runBlock(payload, signal),
      { sha256: model.artifact.sha256, header: header!, text: block.text, firstRow: block.firstRow, kinds, predictionColumn, probabilityColumns },
      text,
    );
    if (!outcome.ok) throw new AppError('validation_failed', `rows from ${block.firstRow}: ${outcome.error.message}`, { details: outcome.error.details });
    rows += outcome.rows;
    return outcome.csv;
  };

  async function* outputText(): AsyncGenerator<string> {
    const splitter = new CsvBlockSplitter(blockRows);
    const inFlight: Promise<string>[] = [];
    const start = (block: CsvBlock): void => {
      const p = predictBlock(block);
      p.catch(() => undefined); // awaited in order below; this only keeps a later block's failure from going unhandled meanwhile
      inFlight.push(p);
    };
    let wroteHeader = false;
    const headerLine = (): string => {
      wroteHeader = true;
      checkHeader(header!, Object.keys(kinds));
      return `${header},${[predictionColumn, ...probabilityColumns].map(csvName).join(',')}\n`;
    };
    for await (const chunk of inputText()) {
      for (const block of splitter.push(chunk)) {
        header ??= splitter.header;
        if (!wroteHeader) yield headerLine();
        start(block);
        while (inFlight.length >= maxInFlight) {
          yield await inFlight.shift()!;
          await report();
        }
      }
    }
    for (const block of splitter.end()) {
      header ??= splitter.header;
      if (!wroteHeader) yield headerLine();
      start(block);
    }
    header ??= splitter.header;
    if (!wroteHeader && header !== undefined) yield headerLine();
    while (inFlight.length > 0) {
      yield await inFlight.shift()!;
      await report();
    }
  }

  const info = await db.artifacts.put(`${name}.csv`, outputText(), { kind: 'dataset', name, job: jobId });
  const columns = [
    ...dataset.columns.map((c) => ({ name: c.name, type: c.type })),
    { name: predictionColumn, type: classes.length > 0 && classes.some((c) => typeof c === 'string') ? 'string' : 'number' },
    ...probabilityColumns.map((c) => ({ name: c, type: 'number' })),
  ];
  const source = {
    kind: 'batch_predict',
    job_id: jobId,
    dataset: { id: String(dataset._id), name: dataset.name, version: dataset.version, sha256: dataset.sha256 },
    model: { name: model.modelName, version: model.version, sha256: model.artifact.sha256 },
  };
  const out = await insertDatasetVersion(db, name, { rowCount: rows, columns }, info, source);
  await deps.progress({ stage: 'done', done: rows, total: rows });
  return { output_dataset: { id: String(out._id), name: out.name, version: out.version }, rows };
}

/** The header must parse and hold the features (the dataset record said so; the bytes must agree). */
function checkHeader(header: string, features: string[]): void {
  const parser = new CsvStreamParser();
  parser.push(`${header}\n`);
  parser.end();
  const names = new Set(parser.header ?? []);
  const missing = features.filter((f) => !names.has(f));
  if (missing.length > 0) throw new AppError('validation_failed', `the dataset's CSV header lacks ${missing.map((m) => `'${m}'`).join(', ')}`);
}

function csvName(name: string): string {
  return /[",\n\r]/.test(name) || name !== name.trim() ? `"${name.replaceAll('"', '""')}"` : name;
}
