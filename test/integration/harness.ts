import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { Cluster } from 'ioredis';
import { loadConfig, type Config } from '../../config/index.js';
import { createRedis } from '../../queues/connection.js';
import { createApiServer } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { buildApiDeps, closeApiDeps } from '../../src/api/server.js';
import { createLogger } from '../../src/utils/logger.js';

/** Real services for integration tests: the same Redis and MongoDB the README's test command starts. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MONGO_BASE = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/trainyard').replace(/\/[^/?]*(\?.*)?$/, '');

export interface ClusterOptions {
  /** API keys, `key:role` pairs as in API_KEYS */
  apiKeys?: string;
  workers?: number;
  workerEnv?: Record<string, string>;
  overrides?: Record<string, unknown>;
  /** a Redis of its own (default REDIS_URL) */
  redisUrl?: string;
  /** `redisUrl` names a Redis Cluster: the prefix gets a hash tag */
  redisCluster?: boolean;
  /** a MongoDB of its own: the URL without the database (default MONGO_URL's) */
  mongoBase?: string;
}

/**
 * One isolated cluster per test file: a fresh BullMQ prefix and database
 * name, the API in this process on an ephemeral port, and worker processes
 * from dist/ like production.
 */
export class TestCluster {
  readonly prefix: string;
  readonly dbName = `trainyard_test_${randomBytes(4).toString('hex')}`;
  readonly mongoUrl: string;
  readonly redisUrl: string;
  config!: Config;
  deps!: ApiDeps;
  baseUrl = '';
  private server?: Server;
  readonly workers: ChildProcess[] = [];
  readonly workerLogs = new Map<ChildProcess, string[]>();

  constructor(private readonly options: ClusterOptions = {}) {
    this.redisUrl = options.redisUrl ?? REDIS_URL;
    const id = `tytest-${randomBytes(4).toString('hex')}`;
    this.prefix = options.redisCluster ? `{${id}}` : id;
    this.mongoUrl = `${options.mongoBase ?? MONGO_BASE}/${this.dbName}`;
  }

  env(): Record<string, string> {
    return {
      REDIS_URL: this.redisUrl,
      MONGO_URL: this.mongoUrl,
      QUEUE_PREFIX: this.prefix,
      ...(this.options.redisCluster ? { REDIS_CLUSTER: 'true' } : {}),
      POOL_THREADS: '2',
      LOG_LEVEL: 'warn',
      JOB_BACKOFF_MS: '200',
      ...(this.options.apiKeys ? { API_KEYS: this.options.apiKeys } : {}),
    };
  }

  async start(): Promise<this> {
    this.config = loadConfig({ env: { ...this.env(), PORT: '0', HOST: '127.0.0.1' }, file: null, overrides: this.options.overrides });
    this.deps = await buildApiDeps(this.config, createLogger('silent', 'api'));
    const server = createApiServer(this.deps);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    for (let i = 0; i < (this.options.workers ?? 1); i++) await this.startWorker();
    return this;
  }

  /** Starts a worker process (in a network namespace if given) and waits until it says it is ready. */
  async startWorker(extraEnv: Record<string, string> = {}, args: string[] = [], where: { netns?: string } = {}): Promise<ChildProcess> {
    const command = [process.execPath, path.resolve('dist/workers/worker.js'), ...args];
    // `ip netns exec` execs the command, so the child's pid is the worker's
    if (where.netns) command.unshift('ip', 'netns', 'exec', where.netns);
    const child = spawn(command[0], command.slice(1), {
      env: { ...process.env, ...this.env(), LOG_LEVEL: 'info', ...this.options.workerEnv, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log: string[] = [];
    this.workerLogs.set(child, log);
    this.workers.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start:\n${log.join('')}`)), 30_000);
      const onData = (d: Buffer): void => {
        log.push(d.toString());
        if (d.toString().includes('worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with ${code}:\n${log.join('')}`));
      });
    });
    child.removeAllListeners('exit');
    return child;
  }

  async stop(): Promise<void> {
    for (const w of this.workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
    if (this.deps) {
      // its last sample must land before the database is dropped, not recreate it after
      await this.deps.sampler?.stop();
      await this.deps.models.flushLog();
      await this.deps.db.conn.dropDatabase().catch(() => undefined);
      await Promise.all(this.deps.queues.all().map((q) => q.obliterate({ force: true }).catch(() => undefined)));
      await closeApiDeps(this.deps);
    }
    const redis = createRedis({ url: this.redisUrl, cluster: this.options.redisCluster === true }, 'trainyard-test');
    for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
      const keys = await node.keys(`${this.prefix}:*`);
      if (keys.length) await node.del(...keys);
    }
    await redis.quit();
  }

  /** fetch against the API; JSON in, parsed JSON out. */
  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof FormData) init.body = body as string | FormData;
      else {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
    }
    const res = await fetch(this.baseUrl + url, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Polls a job until it reaches one of `states`. */
  async waitForJob(id: string, states: string[] = ['completed', 'failed', 'cancelled'], timeoutMs = 120_000, headers: Record<string, string> = {}): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.request('GET', `/v1/jobs/${id}`, undefined, headers);
      if (states.includes(res.body?.state)) return res.body;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${res.body?.state} after ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** A TCP port nothing listens on now (the kernel's pick), for a child process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A small CSV: two numeric features, a categorical one, a binary label and a numeric target. */
export function sampleCsv(rows = 120, seed = 1): string {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['x1,x2,color,label,y'];
  for (let i = 0; i < rows; i++) {
    const x1 = +(rand() * 10).toFixed(3);
    const x2 = +(rand() * 5 - 2.5).toFixed(3);
    const color = ['red', 'green', 'blue'][i % 3];
    const label = x1 + 2 * x2 + (color === 'red' ? 1 : 0) + (rand() - 0.5) > 5 ? 'yes' : 'no';
    const y = +(3 * x1 - 2 * x2 + (color === 'blue' ? 4 : 0) + (rand() - 0.5) * 0.1).toFixed(4);
    lines.push(`${x1},${x2},${color},${label},${y}`);
  }
  return lines.join('\n') + '\n';
}

/** A dataset and model whose training takes several seconds, so a worker can be killed mid-job. */
export function slowCsv(rows = 2000): string {
  const lines = ['a,b,c,d,e,target'];
  let s = 42;
  const r = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < rows; i++) {
    const v = [r(), r(), r(), r(), r()];
    lines.push(`${v.map((x) => x.toFixed(4)).join(',')},${(Math.sin(6 * v[0]) + v[1] * v[2] > 0.3 ? 1 : 0)}`);
  }
  return lines.join('\n') + '\n';
}

export const slowModel = { type: 'mlp', hyperparameters: { hidden_layer_sizes: [32, 32], epochs: 15, batch_size: 16, seed: 1 } };
