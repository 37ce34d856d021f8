import { Piscina } from 'piscina';
import type { TaskName, TaskRunner } from '../src/training/task-runner.js';

function taskUrl(task: TaskName): string {
  return new URL(`./tasks/${task}.task.js`, import.meta.url).href;
}

/** The worker process's thread pool: folds and trials run here, never on the main thread. */
export class PiscinaTaskRunner implements TaskRunner {
  private readonly pool: Piscina;

  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    this.pool = new Piscina({ filename: taskUrl('cv-fold'), minThreads: 1, maxThreads: threads, idleTimeout: 60_000 });
  }

  run<R>(task: TaskName, payload: unknown, options: { signal?: AbortSignal } = {}): Promise<R> {
    return this.pool.run(payload, { filename: taskUrl(task), signal: options.signal }) as Promise<R>;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
