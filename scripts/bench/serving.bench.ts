import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Piscina } from 'piscina';
import { loadConfig } from '../../config/index.js';
import { createApiServer } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { buildApiDeps } from '../../src/api/server.js';
import { parseCsv } from '../../src/ml/data/csv.js';
import { ModelPipeline } from '../../src/ml/pipeline/model-pipeline.js';
import { insertDatasetVersion } from '../../src/registry/dataset-service.js';
import { registerVersion } from '../../src/registry/model-registry.js';
import { runWithModel } from '../../src/serving/predict-pool.js';
import type { BlockOutcome, BlockPayload, ModelMiss } from '../../src/serving/predict-work.js';
import { createLogger } from '../../src/utils/logger.js';
import type { Bench, BenchSection } from './bench.js';
import { teardownBenchCluster } from './bench-cluster.js';
import { benchInstance, type LoadResult, type LoadSpec } from './load-generator.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MONGO_BASE = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/trainyard').replace(/\/[^/?]*(\?.*)?$/, '');
const CONCURRENCY = 32;

/** Runs the load generator in its own process and reads its one-line JSON answer. */
function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'load-generator.js'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

function listen(server: Server): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

/** Training data for the benchmark model: four numbers, a colour and a yes/no label. */
function csvRows(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const x = benchInstance(i, 7);
    const score = (x.f1 as number) + 2 * (x.f2 as number) + (x.f3 as number) * 3 - (x.f4 as number) / 50 + (x.color === 'red' ? 1 : 0);
    s += `${x.f1},${x.f2},${x.f3},${x.f4},${x.color},${score + Math.sin(i) > 5 ? 'yes' : 'no'}\n`;
  }
  return s;
}
const HEADER = 'f1,f2,f3,f4,color,label\n';

function vmHighWater(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
function vmRss(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.resolve('dist/workers/worker.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${log.join('')}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      log.push(d.toString());
      if (d.toString().includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${log.join('')}`));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

/**
 * The prediction side of batch_predict without GridFS: the same task file and
 * thread pool, blocks of 10,000 lines generated beforehand, four in flight,
 * answered in order; rows per second of the prediction work alone.
 */
async function computeOnly(pipelineText: string, rows: number, threads: number): Promise<number> {
  const pool = new Piscina({ filename: new URL('../../workers/tasks/batch-predict.task.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
  try {
    const base = { sha256: 'bench', header: HEADER.trimEnd(), kinds: { f1: 'number', f2: 'number', f3: 'number', f4: 'number', color: 'string' } as const, predictionColumn: 'prediction', probabilityColumns: ['proba_no', 'proba_yes'] };
    const block = 10_000;
    const texts: string[] = [];
    for (let i = 0; i < rows; i += block) texts.push(csvRows(2_000_000 + i, 2_000_000 + Math.min(rows, i + block)));
    const t0 = performance.now();
    const inFlight: Promise<BlockOutcome>[] = [];
    let done = 0;
    const take = async () => {
      const out = await inFlight.shift()!;
      if (!out.ok) throw new Error(JSON.stringify(out));
      done += out.rows;
    };
    for (let b = 0; b < texts.length; b++) {
      const payload: BlockPayload = { ...base, text: texts[b], firstRow: b * block + 1 };
      inFlight.push(runWithModel((p: BlockPayload) => pool.run(p) as Promise<BlockOutcome | ModelMiss>, payload, () => pipelineText));
      if (inFlight.length >= threads * 2) await take();
    }
    while (inFlight.length) await take();
    return (done / (performance.now() - t0)) * 1000;
  } finally {
    await pool.destroy();
  }
}

const mb = (b: number | null) => (b === null ? null : Math.round(b / 2 ** 20));
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

const bench: Bench = {
  name: 'serving',
  async run({ quick }): Promise<BenchSection[]> {
    const prefix = `tybench-${randomBytes(4).toString('hex')}`;
    const dbName = `trainyard_bench_${randomBytes(4).toString('hex')}`;
    const env = { REDIS_URL, MONGO_URL: `${MONGO_BASE}/${dbName}`, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
    const config = loadConfig({ env: { ...env, PORT: '0', HOST: '127.0.0.1' }, file: null });
    let deps: ApiDeps | undefined;
    const servers: Server[] = [];
    let worker: ChildProcess | undefined;
    try {
      deps = await buildApiDeps(config, createLogger('warn', 'api'));
      const api = await listen(createApiServer(deps));
      servers.push(api.server);
      const hello = express();
      hello.get('/', (_req, res) => {
        res.send('Hello World!');
      });
      const helloSrv = await listen(createServer(hello));
      servers.push(helloSrv.server);

      // The model: 100-tree gradient boosting (the design's seed config), one instance per request.
      const train = parseCsv(HEADER + csvRows(0, 5000));
      const t0 = performance.now();
      const pipeline = new ModelPipeline({ type: 'gradient_boosting', hyperparameters: { n_estimators: 100, max_depth: 6, learning_rate: 0.1 }, task: 'classification', target: 'label' }).fit(train);
      const fitMs = performance.now() - t0;
      const serving = { batch_size: 32, cache_size: 1000 };
      await registerVersion(deps.db, {
        modelName: 'bench',
        task: 'classification',
        type: 'gradient_boosting',
        target: 'label',
        features: pipeline.featureSchema.map((f) => f.name),
        featureSchema: pipeline.featureSchema.map((f) => ({ ...f })),
        classes: pipeline.classes ?? null,
        hyperparameters: pipeline.spec.hyperparameters,
        config: { type: 'gradient_boosting', hyperparameters: pipeline.spec.hyperparameters, serving },
        metrics: {},
        cvMetrics: {},
        model: JSON.stringify(pipeline.toJSON()),
        lineage: { dataset: { id: '-', name: 'bench', version: 1, sha256: '-' }, job_id: 'bench', job_type: 'train', hyperparameters: {}, package_version: config.version },
        sourceJobId: `bench-${prefix}`,
      });

      const requests = quick ? 3000 : 20_000;
      const maxMs = quick ? 3000 : 10_000;
      const predictUrl = `${api.url}/v1/models/bench/predict`;
      const base = { concurrency: CONCURRENCY, maxRequests: requests, maxMs };
      // Warm-up: JIT, model load, pool threads; unique inputs that the measured runs never repeat.
      await load({ ...base, url: predictUrl, method: 'POST', body: 'unique', seed: 1, maxRequests: quick ? 500 : 3000 });
      await load({ ...base, url: helloSrv.url, method: 'GET', body: 'none', maxRequests: quick ? 500 : 3000 });

      // Each measured run starts with the prediction log written, so MongoDB's work for one run does not land in the next.
      const settle = () => deps!.models.flushLog();
      await settle();
      const helloA = await load({ ...base, url: helloSrv.url, method: 'GET', body: 'none' });
      await settle();
      const statsBefore = { ...deps.models.stats };
      const cold = await load({ ...base, url: predictUrl, method: 'POST', body: 'unique', seed: 2 });
      const s = deps.models.stats;
      const coldStats = {
        batches: s.batches - statsBefore.batches,
        calls: s.predictCalls - statsBefore.predictCalls,
        pool: s.poolCalls - statsBefore.poolCalls,
        rows: s.rowsPredicted - statsBefore.rowsPredicted,
        hits: s.cacheHits - statsBefore.cacheHits,
      };
      // Warm: 500 distinct instances (within cache_size), each asked once before the measured run.
      await load({ ...base, url: predictUrl, method: 'POST', body: 'cycle', cycle: 500, seed: 3, maxRequests: 500 });
      await settle();
      const hitsBefore = deps.models.stats.cacheHits;
      const warm = await load({ ...base, url: predictUrl, method: 'POST', body: 'cycle', cycle: 500, seed: 3 });
      const warmHits = deps.models.stats.cacheHits - hitsBefore;
      await settle();
      const helloB = await load({ ...base, url: helloSrv.url, method: 'GET', body: 'none' });
      await deps.models.flushLog();

      const helloRps = (helloA.rps + helloB.rps) / 2;
      const row = (name: string, r: LoadResult) => ({
        endpoint: name,
        requests: r.requests,
        non_200: r.errors + Object.values(r.statuses).reduce((a, b) => a + b, 0),
        req_per_s: Math.round(r.rps),
        p50_ms: r2(r.p50Ms),
        p99_ms: r2(r.p99Ms),
        vs_hello: r2(r.rps / helloRps),
      });
      const http: BenchSection = {
        title: `POST /v1/models/:name/predict, one instance, 100-tree gradient_boosting; ${CONCURRENCY} keep-alive connections from a separate load-generator process, loopback`,
        rows: [row('hello world (before)', helloA), row('predict, cold cache', cold), row('predict, warm cache', warm), row('hello world (after)', helloB)],
        notes: [
          `targets: cold >= 0.5 x hello-world req/s: ${r2(cold.rps / helloRps)} x (${cold.rps / helloRps >= 0.5 ? 'met' : 'NOT met'}); warm >= 0.8 x: ${r2(warm.rps / helloRps)} x (${warm.rps / helloRps >= 0.8 ? 'met' : 'NOT met'}); hello world = mean of the two runs`,
          `cold run: ${coldStats.rows} rows in ${coldStats.calls} predict calls (${coldStats.batches} micro-batches, mean ${r1(coldStats.rows / Math.max(1, coldStats.calls))} rows per call; ${coldStats.pool} in the pool thread), ${coldStats.hits} cache hits; warm run: ${warmHits} cache hits of ${warm.requests}`,
          `prediction log: sample rate ${config.serving.logSampleRate}; ${deps.models.logStats?.written} rows written, ${deps.models.logStats?.dropped} dropped for a full buffer, ${deps.models.logStats?.failed} failed; model fit ${Math.round(fitMs)} ms`,
        ],
      };

      // Batch prediction: a dataset of N rows streamed into GridFS, scored by a worker process.
      // BENCH_BATCH_ROWS overrides the size (to check that memory stays flat for bigger inputs).
      const n = Number(process.env.BENCH_BATCH_ROWS) || (quick ? 100_000 : 1_000_000);
      const g0 = performance.now();
      const chunk = 20_000;
      async function* rows(): AsyncGenerator<string> {
        yield HEADER;
        for (let i = 0; i < n; i += chunk) yield csvRows(1_000_000 + i, 1_000_000 + Math.min(n, i + chunk));
      }
      const info = await deps.db.artifacts.put('bench-rows.csv', rows(), { kind: 'dataset', name: 'bench-rows' });
      const ds = await insertDatasetVersion(
        deps.db,
        'bench-rows',
        { rowCount: n, columns: ['f1', 'f2', 'f3', 'f4'].map((name) => ({ name, type: 'number' })).concat([{ name: 'color', type: 'string' }, { name: 'label', type: 'string' }]) },
        info,
        { kind: 'upload' },
      );
      const genMs = performance.now() - g0;
      worker = await startWorker({ ...env, LOG_LEVEL: 'info', WORKER_QUEUES: 'batch_predict', POOL_THREADS: '2' });
      const rssIdle = vmRss(worker.pid!);
      const { job } = await deps.jobs.submit({ type: 'batch_predict', model_name: 'bench', dataset: String(ds._id), output_name: 'bench-scored' });
      let rec: { state: string; startedAt?: Date | null; finishedAt?: Date | null; result?: { rows: number }; error?: unknown; progress?: unknown } | null = null;
      const deadline = Date.now() + (quick ? 120_000 : 600_000);
      // Highest RSS seen in each quarter of the rows: flat from quarter to quarter means memory does not grow with the data.
      const quarterRss = [0, 0, 0, 0];
      for (;;) {
        rec = await deps.db.jobs.findById(job.id).lean();
        const done = (rec?.progress as { done?: number } | undefined)?.done ?? 0;
        const q = Math.min(3, Math.floor((4 * done) / n));
        quarterRss[q] = Math.max(quarterRss[q], vmRss(worker.pid!) ?? 0);
        if (rec && ['completed', 'failed', 'cancelled'].includes(rec.state)) break;
        if (Date.now() > deadline) throw new Error(`batch_predict still ${rec?.state} after the deadline`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const peak = vmHighWater(worker.pid!);
      if (rec.state !== 'completed') throw new Error(`batch_predict ${rec.state}: ${JSON.stringify(rec.error)}`);
      const seconds = (rec.finishedAt!.getTime() - rec.startedAt!.getTime()) / 1000;
      const rowsPerS = rec.result!.rows / seconds;
      const out = await deps.db.datasets.findOne({ name: 'bench-scored' }).lean();
      const ioSeconds = async (): Promise<{ readMBs: number }> => {
        const r0 = performance.now();
        let bytes = 0;
        for await (const c of deps!.db.artifacts.stream(String(ds.fileId))) bytes += c.length;
        return { readMBs: bytes / 2 ** 20 / ((performance.now() - r0) / 1000) };
      };
      const io = await ioSeconds();
      worker.kill('SIGKILL');
      const compute = await computeOnly(JSON.stringify(pipeline.toJSON()), quick ? 100_000 : 400_000, 2);
      const batch: BenchSection = {
        title: `batch_predict: ${n.toLocaleString('en')} rows, 100-tree gradient_boosting, worker process with 2 pool threads (GridFS in and out)`,
        rows: [
          {
            rows: rec.result!.rows,
            seconds: r2(seconds),
            rows_per_s: Math.round(rowsPerS),
            input_mb: mb(info.sizeBytes),
            output_mb: mb(out?.sizeBytes ?? null),
            worker_idle_rss_mb: mb(rssIdle),
            worker_peak_rss_mb: mb(peak),
          },
        ],
        notes: [
          `target >= 50000 rows/s: ${Math.round(rowsPerS)} (${rowsPerS >= 50_000 ? 'met' : 'NOT met'}); peak = VmHWM of the worker process (all its threads); dataset written to GridFS in ${r1(genMs / 1000)} s (${r1(mb(info.sizeBytes)! / (genMs / 1000))} MB/s)`,
          `worker RSS, highest in each quarter of the rows: ${quarterRss.map((b) => mb(b)).join(' / ')} MB`,
          `GridFS on this server: input read back at ${r1(io.readMBs)} MB/s; output written at about ${r1((out?.sizeBytes ?? 0) / 2 ** 20 / seconds)} MB/s during the job`,
          `prediction work alone (same task file and 2 threads, generated blocks, no GridFS): ${Math.round(compute)} rows/s`,
        ],
      };
      return [http, batch];
    } finally {
      if (worker && worker.exitCode === null) worker.kill('SIGKILL');
      for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
      await teardownBenchCluster(deps, prefix, REDIS_URL);
    }
  },
};

export default bench;
