import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RestartBackoff } from '../src/utils/restart-backoff.js';

/**
 * `npm start`: one API, WORKERS worker processes (default 1) and one
 * scheduler on this machine, sharing the configured Redis and MongoDB.
 * Output is prefixed per process. A child that dies is started again, with
 * backoff (src/utils/restart-backoff.ts), and the log says so; only this
 * process's own SIGINT/SIGTERM (Ctrl-C) stops them all, gracefully.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workerCount = Math.max(1, Number(process.env.WORKERS ?? 1) || 1);

const procs: Array<{ name: string; file: string }> = [
  { name: 'api', file: 'src/api/cluster.js' },
  ...Array.from({ length: workerCount }, (_, i) => ({ name: `worker-${i + 1}`, file: 'workers/worker.js' })),
  { name: 'scheduler', file: 'workers/scheduler.js' },
];

const children = new Map<string, ChildProcess>();
let stopping = false;

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream): void {
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) out.write(`[${name}] ${l}\n`);
  });
}

/** Starts a child, and starts it again (with backoff) whenever it dies, until the cluster stops. */
function supervise(p: { name: string; file: string }, backoff = new RestartBackoff()): void {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [path.join(root, p.file)], { cwd: path.resolve(root, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  prefixLines(p.name, child.stdout!, process.stdout);
  prefixLines(p.name, child.stderr!, process.stderr);
  child.on('error', (err) => console.error(`[cluster] ${p.name}: ${err.message}`));
  child.on('exit', (code, signal) => {
    if (stopping) return;
    const delay = backoff.delayAfterExit(Date.now() - startedAt);
    console.error(`[cluster] ${p.name} exited (${signal ?? `code ${code}`}); restarting ${p.name} in ${delay} ms`);
    setTimeout(() => {
      if (!stopping) supervise(p, backoff);
    }, delay);
  });
  children.set(p.name, child);
}

for (const p of procs) supervise(p);
console.log(`[cluster] started api, ${workerCount} worker(s) and the scheduler on ${os.hostname()} (pid ${process.pid}); a child that dies is restarted`);

/** Stops every child (SIGTERM, then waits for them); only this process's own SIGINT/SIGTERM gets here. */
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  const running = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of running) c.kill('SIGTERM');
  let left = running.length;
  if (left === 0) process.exit(code);
  for (const c of running) c.on('exit', () => --left === 0 && process.exit(code));
  setTimeout(() => process.exit(code), 40_000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
