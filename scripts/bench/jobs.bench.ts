import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { loadConfig } from '../../config/index.js';
import { createApiServer } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { buildApiDeps } from '../../src/api/server.js';
import { parseCsv } from '../../src/ml/data/csv.js';
import { saveDataset } from '../../src/registry/dataset-service.js';
import { createLogger } from '../../src/utils/logger.js';
import type { Bench, BenchSection } from './bench.js';
import { teardownBenchCluster } from './bench-cluster.js';
import type { LoadResult, LoadSpec } from './load-generator.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MONGO_BASE = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/trainyard').replace(/\/[^/?]*(\?.*)?$/, '');
const CONCURRENCY = 50;

function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'load-generator.js'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** `n` calls of `fn` with at most `concurrency` in flight; returns the calls per second. */
async function closedLoop(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

const TRAIN = { type: 'train', model_name: 'bench-model', dataset: 'bench-data', target: 'label', model: { type: 'logistic_regression' }, cv: 2 };

/**
 * The job API against BullMQ itself, on this machine's Redis and FerretDB:
 * POST /v1/jobs at concurrency 50 (from a separate load-generator process)
 * against raw `queue.add` at the same concurrency, in one run; cancelling
 * queued jobs one by one and by filter.
 */
const bench: Bench = {
  name: 'jobs',
  async run({ quick }): Promise<BenchSection[]> {
    const prefix = `tybench-${randomBytes(4).toString('hex')}`;
    const dbName = `trainyard_bench_${randomBytes(4).toString('hex')}`;
    const env = { REDIS_URL, MONGO_URL: `${MONGO_BASE}/${dbName}`, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
    const config = loadConfig({ env: { ...env, PORT: '0', HOST: '127.0.0.1' }, file: null });
    const n = quick ? 500 : 2000;
    let deps: ApiDeps | undefined;
    let server: Server | undefined;
    const raw = new Queue('raw-bench', { connection: { url: REDIS_URL }, prefix });
    try {
      deps = await buildApiDeps(config, createLogger('warn', 'api'));
      server = createApiServer(deps);
      const url = await listen(server);
      const rows = Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 11},${i % 2 ? 'yes' : 'no'}`);
      await saveDataset(deps.db, 'bench-data', parseCsv(`x1,x2,label\n${rows.join('\n')}\n`));

      // warm both paths (connections, scripts, JIT)
      await closedLoop(100, CONCURRENCY, (i) => raw.add('warm', { i }));
      await load({ url: `${url}/v1/jobs`, method: 'POST', body: 'json', json: JSON.stringify(TRAIN), concurrency: CONCURRENCY, maxRequests: 100, maxMs: 60_000 });

      const rawRate = await closedLoop(n, CONCURRENCY, (i) => raw.add('bench', { ...TRAIN, i }));
      const api = await load({ url: `${url}/v1/jobs`, method: 'POST', body: 'json', json: JSON.stringify(TRAIN), concurrency: CONCURRENCY, maxRequests: n, maxMs: 300_000 });
      const submit: BenchSection = {
        title: `Submitting ${n} jobs at concurrency ${CONCURRENCY}`,
        rows: [
          { path: 'BullMQ queue.add (in process)', jobs_per_s: r1(rawRate), p50_ms: null, p99_ms: null, errors: 0 },
          { path: 'POST /v1/jobs (load generator process)', jobs_per_s: r1(api.rps), p50_ms: r1(api.p50Ms), p99_ms: r1(api.p99Ms), errors: api.errors + Object.values(api.statuses).reduce((a, b) => a + b, 0) },
        ],
        notes: [`ratio POST /v1/jobs / queue.add: ${r3(api.rps / rawRate)} (target at least 0.25)`, `non-2xx answers: ${JSON.stringify(api.statuses)}`],
      };

      // cancelling: every job above is queued (no worker takes the train queue here)
      const queued = await deps.db.jobs.find({ state: 'queued' }).select({ _id: 1 }).limit(n).lean();
      const ids = queued.map((d) => String(d._id));
      const half = ids.slice(0, Math.min(200, Math.floor(ids.length / 2)));
      const auth = {};
      const t0 = performance.now();
      let refused = 0;
      for (const id of half) {
        const res = await fetch(`${url}/v1/jobs/${id}`, { method: 'DELETE', headers: auth });
        if (res.status !== 202) refused++;
        await res.arrayBuffer();
      }
      const oneByOne = (half.length / (performance.now() - t0)) * 1000;
      const left = await deps.db.jobs.countDocuments({ state: 'queued' });
      const t1 = performance.now();
      const bulk = await fetch(`${url}/v1/jobs?state=queued&model=bench-model`, { method: 'DELETE', headers: auth });
      const bulkBody = (await bulk.json()) as { cancelled?: number };
      const bulkMs = performance.now() - t1;
      const cancel: BenchSection = {
        title: 'Cancelling queued jobs',
        rows: [
          { how: 'DELETE /v1/jobs/:id one by one, one client', jobs: half.length, jobs_per_s: r1(oneByOne), refused },
          { how: 'DELETE /v1/jobs?state=queued&model=NAME', jobs: left, jobs_per_s: bulk.status === 202 || bulk.status === 200 ? r1(((bulkBody.cancelled ?? 0) / bulkMs) * 1000) : null, refused: bulk.status >= 400 ? left : 0 },
        ],
        notes: [`one by one: target at least 100 per second; bulk answered ${bulk.status} ${JSON.stringify(bulkBody).slice(0, 200)} in ${Math.round(bulkMs)} ms`],
      };

      console.log(JSON.stringify({ submit: submit.rows, notes: submit.notes }));
      console.log(JSON.stringify({ cancel: cancel.rows, notes: cancel.notes }));
      // whatever the cancels left must not sit ahead of the completion jobs
      await deps.queues.get('train').drain(true);
      await deps.db.jobs.updateMany({ state: 'queued' }, { $set: { state: 'cancelled' } });

      // completion: tiny train jobs through a worker process against a no-op BullMQ worker
      const m = quick ? 50 : 200;
      const noopQueue = new Queue('noop-bench', { connection: { url: REDIS_URL }, prefix });
      let done = 0;
      let finished: () => void = () => undefined;
      const allDone = new Promise<void>((r) => (finished = r));
      const noop = new Worker('noop-bench', async () => ({ ok: true }), { connection: { url: REDIS_URL }, prefix, concurrency: 2 });
      noop.on('completed', () => {
        if (++done === m) finished();
      });
      const tn = performance.now();
      await closedLoop(m, CONCURRENCY, (i) => noopQueue.add('noop', { i }));
      await allDone;
      const noopRate = (m / (performance.now() - tn)) * 1000;
      await noop.close();
      await noopQueue.obliterate({ force: true }).catch(() => undefined);
      await noopQueue.close();

      const worker = spawn(process.execPath, [path.resolve('dist/workers/worker.js')], { env: { ...process.env, ...env, WORKER_QUEUES: 'train' }, stdio: ['ignore', 'ignore', 'inherit'] });
      try {
        const tw = performance.now();
        const submitted = await load({ url: `${url}/v1/jobs`, method: 'POST', body: 'json', json: JSON.stringify({ ...TRAIN, model_name: 'bench-done' }), concurrency: CONCURRENCY, maxRequests: m, maxMs: 300_000 });
        for (;;) {
          const open = await deps.db.jobs.countDocuments({ modelName: 'bench-done', state: { $in: ['queued', 'active'] } });
          if (open === 0) break;
          if (performance.now() - tw > 600_000) throw new Error(`${open} tiny train jobs still open after 10 minutes`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const jobRate = (submitted.requests / (performance.now() - tw)) * 1000;
        const failed = await deps.db.jobs.countDocuments({ modelName: 'bench-done', state: 'failed' });
        const completion: BenchSection = {
          title: `Completing ${m} jobs`,
          rows: [
            { path: 'no-op BullMQ worker (concurrency 2)', jobs_per_s: r1(noopRate), failed: 0 },
            { path: 'tiny train jobs over HTTP, one worker process', jobs_per_s: r1(jobRate), failed },
          ],
          notes: [`ratio: ${r3(jobRate / noopRate)}`],
        };
        return [submit, cancel, completion];
      } finally {
        worker.kill('SIGTERM');
        await new Promise((r) => worker.once('exit', r));
      }
    } finally {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await raw.obliterate({ force: true }).catch(() => undefined);
      await raw.close();
      await teardownBenchCluster(deps, prefix, REDIS_URL);
    }
  },
};

export default bench;
