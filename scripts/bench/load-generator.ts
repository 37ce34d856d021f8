import http from 'node:http';

/**
 * A closed-loop HTTP load generator, run as its own process so that it does
 * not share the event loop of the server it measures:
 * `node dist/scripts/bench/load-generator.js '<json LoadSpec>'` prints one
 * JSON LoadResult line. `concurrency` keep-alive connections each send a
 * request as soon as the previous one answered, until `maxRequests` were sent
 * or `maxMs` passed. Loopback only.
 */
export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  /** none: no body; unique: a predict body no earlier request had; cycle: one of `cycle` fixed predict bodies in turn; json: `json` every time */
  body: 'none' | 'unique' | 'cycle' | 'json';
  /** the body of `body: 'json'` */
  json?: string;
  /** extra request headers */
  headers?: Record<string, string>;
  cycle?: number;
  concurrency: number;
  maxRequests: number;
  maxMs: number;
  /** seed of the unique bodies, so that two runs never send the same instance */
  seed?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** status codes other than 200 and 202, by code */
  statuses: Record<string, number>;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** The instance every predict body carries: the features of the serving bench's model. */
export function benchInstance(i: number, seed = 0): Record<string, number | string> {
  // A golden-ratio walk: every i (and seed) gives different values.
  const u = (k: number) => ((i + 1) * 0.6180339887498949 + k * 0.7548776662466927 + seed * 0.5698402909980532) % 1;
  return {
    f1: +(u(1) * 10).toFixed(6),
    f2: +(u(2) * 4 - 2).toFixed(6),
    f3: +u(3).toFixed(6),
    f4: +(u(4) * 100).toFixed(6),
    color: ['red', 'green', 'blue'][i % 3],
  };
}

export function benchBody(i: number, seed = 0): string {
  return JSON.stringify({ instances: [benchInstance(i, seed)] });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`the load generator only targets loopback, not ${url.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies = new Float64Array(spec.maxRequests);
  const statuses: Record<string, number> = {};
  let sent = 0;
  let done = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + spec.maxMs;
  const cycle = spec.cycle ?? 100;
  const bodies = spec.body === 'cycle' ? Array.from({ length: cycle }, (_, i) => benchBody(i, spec.seed)) : [];

  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const body = spec.body === 'unique' ? benchBody(i, spec.seed) : spec.body === 'cycle' ? bodies[i % cycle] : spec.body === 'json' ? spec.json : undefined;
      const t0 = performance.now();
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: spec.method,
          headers: { ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}), ...spec.headers },
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            latencies[done++] = performance.now() - t0;
            if (res.statusCode !== 200 && res.statusCode !== 202) statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });

  const user = async (): Promise<void> => {
    while (sent < spec.maxRequests && performance.now() < deadline) await one(sent++);
  };
  await Promise.all(Array.from({ length: spec.concurrency }, user));
  const durationMs = performance.now() - start;
  agent.destroy();
  const lat = latencies.subarray(0, done).sort();
  const q = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : NaN);
  let sum = 0;
  for (const v of lat) sum += v;
  return { requests: done, errors, statuses, durationMs, rps: (done / durationMs) * 1000, p50Ms: q(0.5), p99Ms: q(0.99), meanMs: sum / Math.max(1, done) };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  runLoad(spec).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
