import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { TestCluster } from './harness.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, log: () => string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `npm start`'s supervisor (dist/scripts/start-cluster.js) with its children, against this run's own prefix and database. */
describe('npm start supervises its children', function () {
  this.timeout(180_000);
  const services = new TestCluster({ workers: 0 });
  let supervisor: ChildProcess;
  let port = 0;
  const out: string[] = [];
  const log = (): string => out.join('');
  const health = async (): Promise<boolean> => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200;

  before(async () => {
    await services.start();
    port = await freePort();
    supervisor = spawn(process.execPath, [path.resolve('dist/scripts/start-cluster.js')], {
      env: { ...process.env, ...services.env(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', WORKERS: '1', POOL_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    supervisor.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
    supervisor.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
    await until('the API and the worker', log, async () => log().includes('worker ready') && (await health()));
  });
  after(async () => {
    if (supervisor.exitCode === null) supervisor.kill('SIGKILL');
    for (const pid of childPids(supervisor.pid!)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await services.stop();
  });

  it('restarts a worker that dies, says so, and the API keeps answering', async () => {
    const workerPid = Number(/\[worker-1\] .*"pid":(\d+).*worker ready/.exec(log())![1]);
    out.length = 0;
    process.kill(workerPid, 'SIGKILL');
    await until('the restart line', log, () => /worker-1 exited \(SIGKILL\); restarting worker-1 in \d+ ms/.test(log()));
    expect(await health(), 'the API must not stop when a worker dies').to.equal(true);
    await until('the new worker', log, () => /\[worker-1\] .*worker ready/.test(log()));
    const newPid = Number(/\[worker-1\] .*"pid":(\d+).*worker ready/.exec(log())![1]);
    expect(newPid).to.not.equal(workerPid);
    expect(supervisor.exitCode).to.equal(null);
  });

  it('restarts the API too when it dies', async () => {
    const before = childPids(supervisor.pid!);
    const apiPid = before.find((pid) => execFileSync('ps', ['-o', 'args=', '-p', String(pid)]).toString().includes('api/cluster.js'))!;
    out.length = 0;
    process.kill(apiPid, 'SIGKILL');
    await until('the restart line', log, () => /api exited \(SIGKILL\); restarting api in \d+ ms/.test(log()));
    await until('the API answering again', log, health);
  });

  it('stops everything on its own SIGTERM', async () => {
    const kids = childPids(supervisor.pid!);
    expect(kids.length).to.equal(3);
    const exited = new Promise<number | null>((r) => supervisor.once('exit', (code) => r(code)));
    supervisor.kill('SIGTERM');
    expect(await exited).to.equal(0);
    for (const pid of kids) expect(alive(pid), `child ${pid} still running`).to.equal(false);
  });
});
