import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QUEUE_OF } from '../queues/queue-names.js';
import { freePort, sampleCsv, TestCluster } from '../test/integration/harness.js';
import { ferretdbArgs, ferretdbBinary, StoreProcess, waitPort } from '../test/integration/store-process.js';

/**
 * npm run chaos -- [--jobs N] [--clients C]: N mixed jobs (train, evaluate,
 * batch_predict, small tune) submitted over HTTP by C clients while worker
 * processes are SIGKILLed again and again, Redis is restarted once (its own
 * redis-server with AOF, appendfsync always) and MongoDB once (its own
 * FerretDB). At the end every accepted job must be completed, or failed with
 * a code and a message; no model version twice for one job; no orphan GridFS
 * file; each job record's state agrees with BullMQ. 5xx answers are counted
 * (only while a store is down is one expected); exit 1 on any violation.
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} wants a positive integer`);
  return v;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ChaosReport {
  jobs: number;
  clients: number;
  accepted: number;
  refused4xx: number;
  answers5xx: number;
  answers5xxWhileUp: number;
  connectionErrors: number;
  workerKills: number;
  redisRestarts: number;
  mongoRestarts: number;
  orphanFilesCleaned: number;
  outcomes: Record<string, number>;
  violations: string[];
  seconds: number;
}

/** One chaos run (see the file's comment); the report lists every violated invariant. */
export async function runChaos(JOBS: number, CLIENTS: number, WORKERS: number): Promise<ChaosReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-chaos-'));
  const redisPort = await freePort();
  const mongoPort = await freePort();
  const ferretdb = ferretdbBinary();
  const redis = new StoreProcess('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']);
  const mongo = new StoreProcess('mongodb', ferretdb, ferretdbArgs(dir, '127.0.0.1', mongoPort));
  redis.start();
  mongo.start();
  await waitPort(redisPort);
  await waitPort(mongoPort);
  const cluster = new TestCluster({
    workers: WORKERS,
    workerEnv: { POOL_THREADS: '1', JOB_ATTEMPTS: '5' },
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    mongoBase: `mongodb://127.0.0.1:${mongoPort}`,
  });
  const t0 = Date.now();
  const report: ChaosReport = {
    jobs: JOBS,
    clients: CLIENTS,
    accepted: 0,
    refused4xx: 0,
    answers5xx: 0,
    answers5xxWhileUp: 0,
    connectionErrors: 0,
    workerKills: 0,
    redisRestarts: 0,
    mongoRestarts: 0,
    orphanFilesCleaned: 0,
    outcomes: {},
    violations: [],
    seconds: 0,
  };
  try {
    await cluster.start();
    const up = await cluster.request('POST', '/v1/datasets?name=chaos', sampleCsv(200), { 'content-type': 'text/csv' });
    if (up.status !== 201) throw new Error(`seed upload: ${up.status} ${JSON.stringify(up.body)}`);
    const seed = await cluster.request('POST', '/v1/jobs', { type: 'train', model_name: 'chaos-base', dataset: 'chaos', target: 'label', model: { type: 'logistic_regression' }, cv: 2 });
    await cluster.waitForJob(seed.body.id, ['completed'], 120_000);

    const specs = [
      (i: number) => ({ type: 'train', model_name: `chaos-t${i % 5}`, dataset: 'chaos', target: 'label', model: { type: 'random_forest', hyperparameters: { n_estimators: 10, max_depth: 4 } }, cv: 2 }),
      () => ({ type: 'evaluate', model_name: 'chaos-base', dataset: 'chaos', target: 'label' }),
      (i: number) => ({ type: 'batch_predict', model_name: 'chaos-base', dataset: 'chaos', output_name: `chaos-out-${i}` }),
      (i: number) => ({ type: 'tune', model_name: `chaos-u${i % 3}`, dataset: 'chaos', target: 'label', model: { type: 'decision_tree' }, search_space: { max_depth: { type: 'int', low: 1, high: 5 } }, sampler: { type: 'random', seed: i }, n_trials: 3, cv: 2 }),
    ];
    const storeDown = () => redis.downSince !== null || mongo.downSince !== null;
    const accepted: string[] = [];
    let next = 0;
    let submitting = true;

    // one client: submits its share, retrying a 5xx or a dropped connection with the same Idempotency-Key
    const client = async (c: number): Promise<void> => {
      while (next < JOBS) {
        const i = next++;
        const body = specs[i % specs.length](i);
        for (let attempt = 0; ; attempt++) {
          const res = await cluster.request('POST', '/v1/jobs', body, { 'idempotency-key': `chaos-${c}-${i}` }).catch(() => null);
          if (res && res.status === 202) {
            if (!accepted.includes(res.body.id)) accepted.push(res.body.id);
            break;
          }
          if (res && res.status < 500) {
            report.refused4xx++;
            report.violations.push(`job ${i} refused ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
            break;
          }
          if (res) {
            report.answers5xx++;
            if (!storeDown()) report.answers5xxWhileUp++;
          } else report.connectionErrors++;
          if (attempt > 200) {
            report.violations.push(`job ${i} not accepted after 200 tries`);
            break;
          }
          await sleep(250);
        }
      }
    };

    // the chaos: a worker SIGKILLed every couple of seconds (and started again); Redis restarted once a
    // third of the jobs are in, MongoDB once two thirds are (or at the end, if submitting was quicker)
    const chaos = (async () => {
      for (let round = 1; submitting || report.redisRestarts === 0 || report.mongoRestarts === 0; round++) {
        await sleep(2000);
        const alive = cluster.workers.filter((w: ChildProcess) => w.exitCode === null && w.signalCode === null);
        if (alive.length) {
          alive[round % alive.length].kill('SIGKILL');
          report.workerKills++;
        }
        if (report.redisRestarts === 0 && (accepted.length >= JOBS / 3 || !submitting)) {
          await redis.restart(redisPort);
          report.redisRestarts++;
        } else if (report.redisRestarts > 0 && report.mongoRestarts === 0 && (accepted.length >= (2 * JOBS) / 3 || !submitting)) {
          await mongo.restart(mongoPort);
          report.mongoRestarts++;
        }
        // keep WORKERS workers running
        const running = cluster.workers.filter((w: ChildProcess) => w.exitCode === null && w.signalCode === null).length;
        for (let k = running; k < WORKERS; k++) await cluster.startWorker().catch(() => undefined);
      }
    })();
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    submitting = false;
    await chaos;
    report.accepted = accepted.length;

    // every accepted job ends
    const deadline = Date.now() + 15 * 60_000;
    let open: string[] = accepted;
    while (open.length && Date.now() < deadline) {
      const docs = await cluster.deps.db.jobs.find({ _id: { $in: open } }).select({ state: 1 }).lean();
      open = docs.filter((d: { state: string }) => d.state === 'queued' || d.state === 'active').map((d: { _id: unknown }) => String(d._id));
      if (docs.length !== accepted.length && open.length === 0) break;
      if (open.length) await sleep(1000);
    }
    if (open.length) report.violations.push(`${open.length} accepted jobs still open 15 minutes after the last submission`);
    const docs = await cluster.deps.db.jobs.find({ _id: { $in: accepted } }).lean();
    if (docs.length !== accepted.length) report.violations.push(`${accepted.length - docs.length} accepted jobs have no record (lost)`);
    for (const d of docs as Array<{ _id: string; type: string; state: string; error?: { code?: string; message?: string } | null }>) {
      const key = d.state === 'failed' ? `${d.type} failed ${d.error?.code}` : `${d.type} ${d.state}`;
      report.outcomes[key] = (report.outcomes[key] ?? 0) + 1;
      if (d.state === 'failed' && !(d.error?.code && d.error?.message)) report.violations.push(`job ${d._id} failed without a code and message`);
      if (d.state === 'cancelled') report.violations.push(`job ${d._id} cancelled though nobody cancelled it`);
      const job = await cluster.deps.queues.get(QUEUE_OF[d.type as keyof typeof QUEUE_OF]).getJob(d._id);
      const bull = job ? await job.getState() : 'removed';
      const agree = (d.state === 'completed' && (bull === 'completed' || bull === 'removed')) || (d.state === 'failed' && (bull === 'failed' || bull === 'removed'));
      if (!agree) report.violations.push(`job ${d._id}: record ${d.state}, BullMQ ${bull}`);
    }
    const dup = (await cluster.deps.db.modelVersions.aggregate([{ $group: { _id: '$sourceJobId', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }])) as unknown[];
    if (dup.length) report.violations.push(`${dup.length} jobs registered more than one model version`);
    // attempts killed half-way leave files no record points at; the orphan clean-up (run by the
    // workers after its grace period) removes them: run it now, then nothing may be left and every
    // record's file must still be there
    const cleanup = await cluster.request('POST', '/v1/admin/cleanup', { grace_minutes: 0 });
    if (cleanup.status !== 200) report.violations.push(`cleanup answered ${cleanup.status}`);
    report.orphanFilesCleaned = (cleanup.body?.files_removed?.length ?? 0) + (cleanup.body?.orphan_chunks_removed?.length ?? 0);
    const again = await cluster.request('POST', '/v1/admin/cleanup', { grace_minutes: 0, dry_run: true });
    const left = (again.body?.files_removed?.length ?? 0) + (again.body?.orphan_chunks_removed?.length ?? 0);
    if (left) report.violations.push(`${left} orphan GridFS files after the clean-up`);
    const files = [
      ...(await cluster.deps.db.datasets.find().select({ fileId: 1 }).lean()).map((d: { fileId: unknown }) => String(d.fileId)),
      ...(await cluster.deps.db.modelVersions.find({ status: { $ne: 'archived' } }).select({ 'artifact.fileId': 1 }).lean()).map((v: { artifact: { fileId: unknown } }) => String(v.artifact.fileId)),
    ];
    for (const id of files) if (!(await cluster.deps.db.artifacts.exists(id))) report.violations.push(`a record's file ${id} is missing`);
    if (report.answers5xxWhileUp) report.violations.push(`${report.answers5xxWhileUp} 5xx answers while both stores were up`);
  } catch (err) {
    report.violations.push(`chaos run failed: ${(err as Error).stack ?? err}`);
  } finally {
    report.seconds = Math.round((Date.now() - t0) / 1000);
    await cluster.stop().catch(() => undefined);
    await redis.kill();
    await mongo.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const report = await runChaos(arg('jobs', 200), arg('clients', 4), arg('workers', 2));
  console.log(JSON.stringify(report, null, 2));
  process.exit(report.violations.length ? 1 : 0);
}
