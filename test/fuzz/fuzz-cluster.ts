import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import type { Role } from '../../config/index.js';
import { createApp } from '../../src/api/app.js';
import { routeTable, type RouteEntry } from '../../src/api/route-table.js';
import { freePort, sampleCsv, TestCluster } from '../integration/harness.js';
import { requestArbitrary, routeSchemas, type FuzzRequest } from './requests.js';

export const FUZZ_KEYS: Record<Role, string> = { admin: 'fuzz-admin-key-000001', operator: 'fuzz-operator-key-00001', viewer: 'fuzz-viewer-key-0000001' };

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** every status line in the bytes that came back (a mis-framed request can be answered twice) */
  statuses: number[];
}

function decodeChunked(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Sends one request byte for byte over a fresh socket (Connection: close) and reads everything that comes back. */
export function sendRaw(port: number, r: FuzzRequest, timeoutMs = 20_000): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined); // a reset after a refused body is an answer too (checked below)
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      if (all.length === 0) return resolve(null);
      const text = all.toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      const headEnd = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, headEnd < 0 ? all.length : headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const c = line.indexOf(':');
        if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
      let body: Buffer = headEnd < 0 ? Buffer.alloc(0) : all.subarray(headEnd + 4);
      if (headers['transfer-encoding']?.includes('chunked')) body = decodeChunked(body);
      else if (headers['content-length']) body = body.subarray(0, Number(headers['content-length']));
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0])?.[1] ?? 0), headers, body, statuses });
    });
    const lines = [`${r.method} ${r.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)];
    const n = r.body.length;
    if (r.framing === 'exact' && (n > 0 || ['POST', 'PUT', 'PATCH'].includes(r.method))) lines.push(`Content-Length: ${n}`);
    if (r.framing === 'short') lines.push(`Content-Length: ${Math.floor(n / 2)}`);
    if (r.framing === 'long') lines.push(`Content-Length: ${n + 1000}`);
    if (r.framing === 'chunked') lines.push('Transfer-Encoding: chunked');
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    if (r.framing === 'chunked') {
      if (n) socket.write(`${n.toString(16)}\r\n`);
      if (n) socket.write(r.body);
      socket.write(n ? '\r\n0\r\n\r\n' : '0\r\n\r\n');
    } else if (n) socket.write(r.body);
    // the long form never sends the bytes it declared: the client gives up and closes its side
    if (r.framing === 'long') socket.end();
  });
}

/** Why a response breaks the invariants, or null: no 5xx anywhere; every 4xx is `{error: {code, message}}` JSON. */
export function violation(r: FuzzRequest, res: RawResponse | null): string | null {
  if (res === null) {
    // only a request whose body never fully arrived may go unanswered (the server closes the socket)
    return r.framing === 'long' ? null : 'the connection closed without an answer';
  }
  const fives = res.statuses.filter((s) => s >= 500);
  if (fives.length) return `answered ${fives.join(', ')}: ${res.body.toString('utf8').slice(0, 300)}`;
  if (res.status >= 400 && res.status < 500 && r.method !== 'HEAD') {
    if (!/^application\/json/.test(res.headers['content-type'] ?? '')) return `${res.status} is not JSON (${res.headers['content-type']}): ${res.body.toString('utf8').slice(0, 200)}`;
    let parsed: { error?: { code?: unknown; message?: unknown } };
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      return `${res.status} body is not valid JSON: ${res.body.toString('utf8').slice(0, 200)}`;
    }
    const e = parsed.error;
    if (typeof e?.code !== 'string' || !e.code || typeof e.message !== 'string' || !e.message) return `${res.status} without {error: {code, message}}: ${res.body.toString('utf8').slice(0, 200)}`;
  }
  return null;
}


export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  /** answers by route of the table and status, to see how deep the generated requests reach */
  byRoute: Record<string, Record<string, number>>;
  /** the first few error messages seen for each route and status */
  examples: Record<string, string[]>;
  unanswered: number;
  exits: string[];
  /** the jobs the generated requests got accepted, by type and outcome (failed ones by error code) */
  jobs: Record<string, number>;
  failure: string | null;
  goodPath: string;
  seed: number;
}

/**
 * A real cluster (Redis, MongoDB, an API process and a worker process, keys
 * for every role) fuzzed with `runs` generated requests: no 5xx, no process
 * exits, every 4xx names its problem as JSON, /healthz answers throughout,
 * and a good upload, train job and prediction still succeed afterwards.
 */
export async function fuzzCluster(runs: number, seed: number, log: (line: string) => void = () => undefined): Promise<FuzzReport> {
  const cluster = new TestCluster({ workers: 1, apiKeys: Object.entries(FUZZ_KEYS).map(([role, key]) => `${key}:${role}`).join(',') });
  const report: FuzzReport = { requests: 0, byStatus: {}, byRoute: {}, examples: {}, jobs: {}, unanswered: 0, exits: [], failure: null, goodPath: 'not run', seed };
  let api: ChildProcess | undefined;
  const apiLog: string[] = [];
  try {
    await cluster.start();
    const routes: RouteEntry[] = routeTable(createApp(cluster.deps));
    const schemas = routeSchemas();
    const unschemed = routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !r.path.startsWith('/admin/queues') && !schemas[`${r.method} ${r.path}`]);
    if (unschemed.length) throw new Error(`routes with a body but no schema to fuzz them from: ${unschemed.map((r) => `${r.method} ${r.path}`).join(', ')}`);

    const port = await freePort();
    api = spawn(process.execPath, [path.resolve('dist/src/api/server.js')], {
      env: { ...process.env, ...cluster.env(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout!.on('data', (d: Buffer) => apiLog.push(d.toString()));
    api.stderr!.on('data', (d: Buffer) => apiLog.push(d.toString()));
    const processes: Array<[string, ChildProcess]> = [['api', api], ...cluster.workers.map((w, i): [string, ChildProcess] => [`worker-${i + 1}`, w])];
    for (const [name, child] of processes) child.on('exit', (code, signal) => report.exits.push(`${name} exited (${signal ?? code})`));
    const base = `http://127.0.0.1:${port}`;
    const admin = { authorization: `Bearer ${FUZZ_KEYS.admin}` };
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/healthz`).catch(() => null))?.ok) break;
      if (i > 200) throw new Error(`the API did not start:\n${apiLog.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // records for generated requests to hit: a dataset and a model with a version
    const up = await fetch(`${base}/v1/datasets?name=fz-data`, { method: 'POST', headers: { ...admin, 'content-type': 'text/csv' }, body: sampleCsv(60) });
    if (up.status !== 201) throw new Error(`seed upload: ${up.status} ${await up.text()}`);
    const train = async (model: string): Promise<string> => {
      const sub = await fetch(`${base}/v1/jobs`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'train', model_name: model, dataset: 'fz-data', target: 'label', model: { type: 'logistic_regression' } }) });
      if (sub.status !== 202) throw new Error(`train submit: ${sub.status} ${await sub.text()}`);
      const { id } = (await sub.json()) as { id: string };
      for (let i = 0; i < 1200; i++) {
        const job = (await (await fetch(`${base}/v1/jobs/${id}`, { headers: admin })).json()) as { state: string; error?: unknown };
        if (job.state === 'completed') return id;
        if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`train ${job.state}: ${JSON.stringify(job.error)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('train did not finish in 120 s');
    };
    await train('fz-model');

    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(routes, FUZZ_KEYS), async (req) => {
        const res = await sendRaw(port, req);
        report.requests++;
        const key = res ? String(res.status) : 'closed';
        report.byStatus[key] = (report.byStatus[key] ?? 0) + 1;
        const perRoute = (report.byRoute[req.route] ??= {});
        perRoute[key] = (perRoute[key] ?? 0) + 1;
        if (res && res.status >= 400) {
          const seen = (report.examples[`${req.route} ${key}`] ??= []);
          const message = res.body.toString('utf8').slice(0, 240);
          if (seen.length < 5 && !seen.includes(message)) seen.push(message);
        }
        if (!res) report.unanswered++;
        const bad = violation(req, res);
        if (bad) throw new Error(`${req.method} ${req.path.slice(0, 200)} (${req.framing}, ${req.headers['content-type'] ?? 'no type'}): ${bad}`);
        if (report.exits.length) throw new Error(`after ${req.method} ${req.path.slice(0, 200)}: ${report.exits.join('; ')}`);
        if (report.requests % 100 === 0) {
          const h = await fetch(`${base}/healthz`);
          if (h.status !== 200) throw new Error(`/healthz answered ${h.status} after ${report.requests} requests`);
          if (report.requests % 1000 === 0) log(`${report.requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(report.byStatus)}`);
        }
      }),
      { numRuns: runs, seed, endOnFailure: true, includeErrorInReport: true },
    );

    // a job accepted is a job that finishes or fails visibly: wait for every one the fuzz got in
    type Job = { id: string; type: string; state: string; error?: { code?: unknown; message?: unknown } | null };
    let jobs: Job[] = [];
    for (let waited = 0; ; waited += 500) {
      jobs = ((await (await fetch(`${base}/v1/jobs?limit=500`, { headers: admin })).json()) as { jobs: Job[] }).jobs;
      const open = jobs.filter((j) => j.state === 'queued' || j.state === 'active');
      if (open.length === 0) break;
      if (waited > 300_000) throw new Error(`jobs still open 300 s after the fuzz: ${open.map((j) => `${j.type} ${j.id} ${j.state}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const j of jobs) {
      const outcome = j.state === 'failed' ? `failed ${String(j.error?.code)}` : j.state;
      report.jobs[`${j.type} ${outcome}`] = (report.jobs[`${j.type} ${outcome}`] ?? 0) + 1;
      if (j.state === 'failed') {
        const seen = (report.examples[`job ${j.type} ${outcome}`] ??= []);
        if (seen.length < 5) seen.push(String(j.error?.message).slice(0, 240));
      }
      if (j.state === 'failed' && (typeof j.error?.code !== 'string' || typeof j.error.message !== 'string' || !j.error.message)) throw new Error(`job ${j.id} failed without a code and message: ${JSON.stringify(j.error)}`);
      if (j.state === 'failed' && (j.error?.code === 'internal' || j.error?.code === 'poisoned')) throw new Error(`${j.type} job ${j.id} failed as ${String(j.error?.code)}: ${String(j.error?.message)}`);
    }
    const again = await fetch(`${base}/v1/datasets?name=fz-data`, { method: 'POST', headers: { ...admin, 'content-type': 'text/csv' }, body: sampleCsv(60, 2) });
    if (again.status !== 201) throw new Error(`good upload after the fuzz: ${again.status} ${await again.text()}`);
    await train('fz-good');
    const pred = await fetch(`${base}/v1/models/fz-good/predict`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ instances: [{ x1: 1, x2: 2, color: 'red', y: 3 }] }) });
    if (pred.status !== 200) throw new Error(`good prediction after the fuzz: ${pred.status} ${await pred.text()}`);
    report.goodPath = 'upload 201, train completed, predict 200';
    if (report.exits.length) throw new Error(report.exits.join('; '));
  } catch (err) {
    report.failure = `${(err as Error).message}\n--- api log (last lines) ---\n${apiLog.join('').split('\n').slice(-30).join('\n')}`;
  } finally {
    api?.removeAllListeners('exit');
    for (const w of cluster.workers) w.removeAllListeners('exit');
    api?.kill('SIGTERM');
    await cluster.stop().catch(() => undefined);
  }
  return report;
}
