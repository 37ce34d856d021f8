import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A store process of a test's own (redis-server, FerretDB), restartable on
 * the same port and data, so a test can fail it without touching the
 * machine's shared services.
 */
export class StoreProcess {
  child: ChildProcess | null = null;
  downSince: number | null = null;
  constructor(
    readonly name: string,
    private readonly cmd: string,
    private readonly args: string[],
    /** the network namespace to run it in (`ip netns exec`), if any */
    private readonly netns?: string,
  ) {}
  start(): void {
    const [cmd, args] = this.netns ? ['ip', ['netns', 'exec', this.netns, this.cmd, ...this.args]] : [this.cmd, this.args];
    this.child = spawn(cmd, args, { stdio: 'ignore' });
    this.downSince = null;
  }
  /** Killed, down for a moment, and back on its port with its data. */
  async restart(port: number, host = '127.0.0.1'): Promise<void> {
    await this.kill();
    await sleep(1500);
    this.start();
    await waitPort(port, host);
    this.downSince = null;
  }
  async kill(): Promise<void> {
    this.downSince = Date.now();
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitPort(port: number, host = '127.0.0.1', ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, host);
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${ms} ms`);
    await sleep(100);
  }
}

/** The FerretDB binary scripts/dev-services.sh builds (or FERRETDB_BIN). */
export function ferretdbBinary(): string {
  return process.env.FERRETDB_BIN ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'trainyard', 'ferretdb-v1.24.2');
}

/** FerretDB (SQLite handler) arguments for a store of a test's own, data in `dir`. */
export function ferretdbArgs(dir: string, host: string, port: number): string[] {
  return ['--handler=sqlite', `--sqlite-url=file:${dir}/`, `--state-dir=${dir}`, `--listen-addr=${host}:${port}`, '--debug-addr=-', '--telemetry=disable', '--log-level=error'];
}
