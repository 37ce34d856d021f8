import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { TestCluster } from './harness.js';

/** Polls `check` until it returns something truthy; fails with `what` after the timeout. */
export async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One request the webhook receiver got, and what it answered. */
export interface Hook {
  body: any;
  /** the body's bytes as text, as they were signed */
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
}

/**
 * A webhook receiver on 127.0.0.1 that records every POST. `failFirst`
 * answers the first N requests with 503, to make the sender retry.
 */
export class WebhookReceiver {
  readonly hooks: Hook[] = [];
  private server?: Server;
  url = '';

  constructor(private failFirst = 0) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        const status = this.hooks.length < this.failFirst ? 503 : 200;
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        this.hooks.push({ body, raw: text, headers: req.headers, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/trainyard`;
    return this;
  }

  /** Payloads answered 2xx (delivered). */
  delivered(): Hook[] {
    return this.hooks.filter((h) => h.status < 300);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Writes a config file for the worker processes (TRAINYARD_CONFIG) and returns its path. */
export function writeConfig(name: string, config: Record<string, unknown>): string {
  const file = path.join(os.tmpdir(), `trainyard-${name}-${process.pid}-${Date.now()}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

/** Starts a scheduler process with a seconds-level cron; its output (debug: one line per tick enqueued) is kept in `log`. */
export function startScheduler(cluster: TestCluster, cron: string, log: string[] = [], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [path.resolve('dist/workers/scheduler.js')], {
    env: { ...process.env, ...cluster.env(), SCHEDULER_CRON: cron, LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  return child;
}

/** Deterministic rows like harness.sampleCsv's, optionally shifted, as predict instances. */
export function instances(n: number, seed: number, shifted = false): Array<{ x1: number; x2: number; color: string }> {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const out = [];
  for (let i = 0; i < n; i++) {
    const x1 = +(rand() * 10).toFixed(3);
    const x2 = +(rand() * 5 - 2.5).toFixed(3);
    const color = ['red', 'green', 'blue'][i % 3];
    out.push(shifted ? { x1: x1 + 25, x2: x2 * 4 + 9, color: i % 2 ? 'purple' : 'red' } : { x1, x2, color });
  }
  return out;
}

/** The samples of a Prometheus text exposition, checked line by line against the format. */
export function parsePrometheus(text: string): { types: Map<string, string>; samples: Array<{ name: string; labels: Record<string, string>; value: number }> } {
  const types = new Map<string, string>();
  const samples: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m || !metricName.test(m[2])) throw new Error(`line ${i + 1}: bad comment: ${line}`);
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3])) throw new Error(`line ${i + 1}: bad type: ${line}`);
        types.set(m[2], m[3]);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not a sample: ${line}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      const rest = m[3].replace(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g, (_all, k: string, v: string) => {
        labels[k] = v.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        return '';
      });
      if (rest !== '') throw new Error(`line ${i + 1}: bad labels: ${line}`);
    }
    // Prometheus reads NaN in any case (prom-client writes `Nan` for an empty gauge)
    const isNaNText = /^nan$/i.test(m[4]);
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : isNaNText ? NaN : Number(m[4]);
    if (!isNaNText && Number.isNaN(value)) throw new Error(`line ${i + 1}: bad value: ${line}`);
    const family = m[1].replace(/_(bucket|sum|count|total|created)$/, '');
    if (!types.has(m[1]) && !types.has(family)) throw new Error(`line ${i + 1}: sample of an undeclared metric: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}
