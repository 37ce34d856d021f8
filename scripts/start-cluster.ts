import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm start`: one API, WORKERS worker processes (default 1) and one
 * scheduler on this machine, sharing the configured Redis and MongoDB.
 * Output is prefixed per process; Ctrl-C stops them all gracefully.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workerCount = Math.max(1, Number(process.env.WORKERS ?? 1) || 1);

const procs: Array<{ name: string; file: string }> = [
  { name: 'api', file: 'src/api/cluster.js' },
  ...Array.from({ length: workerCount }, (_, i) => ({ name: `worker-${i + 1}`, file: 'workers/worker.js' })),
  { name: 'scheduler', file: 'workers/scheduler.js' },
];

const children: ChildProcess[] = [];
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

for (const p of procs) {
  const child = spawn(process.execPath, [path.join(root, p.file)], { cwd: path.resolve(root, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  prefixLines(p.name, child.stdout!, process.stdout);
  prefixLines(p.name, child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[cluster] ${p.name} exited (${signal ?? code}); stopping the cluster`);
      stop(1);
    }
  });
  children.push(child);
}
console.log(`[cluster] started api, ${workerCount} worker(s) and the scheduler on ${os.hostname()}`);

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  let left = children.filter((c) => c.exitCode === null).length;
  if (left === 0) process.exit(code);
  for (const c of children) c.on('exit', () => --left === 0 && process.exit(code));
  setTimeout(() => process.exit(code), 40_000).unref();
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
