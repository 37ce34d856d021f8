import { Piscina } from 'piscina';
import type { TaskName, TaskRunner } from '../src/training/task-runner.js';

function taskUrl(task: TaskName): string {
  return new URL(`./tasks/${task}.task.js`, import.meta.url).href;
}

/** What a task still waiting for a thread rejects with when its signal aborts (as Piscina does for a queued task). */
class TaskAbortedError extends Error {
  override readonly name = 'AbortError';

  constructor(reason: unknown) {
    super('The task has been aborted', { cause: reason });
  }
}

/**
 * The worker process's thread pool: folds and trials run here, never on the
 * main thread. Tasks start in the order they were asked for: they wait here
 * and go to Piscina only when a thread is free, because Piscina's own queue
 * moves a task it cannot place yet to the back (or, with stricterFIFO, puts
 * newer tasks first), and a fit that continues in pieces must queue behind
 * the tasks that came before it.
 */
export class PiscinaTaskRunner implements TaskRunner {
  private readonly pool: Piscina;
  private readonly waiting: Array<{ start: () => void; fail: (err: Error) => void }> = [];
  private running = 0;

  /**
   * @param onPoolError told of errors that belong to no task (Piscina's
   * `error` event: e.g. the late answer of a task that was aborted because
   * its sibling fold failed). Tasks fail through their own promises; without
   * a listener such an event would take the whole worker process down.
   */
  constructor(
    readonly threads: number,
    onPoolError: (err: Error) => void = (err) => process.emitWarning(err, 'ThreadPoolError'),
  ) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    this.pool = new Piscina({ filename: taskUrl('cv-fold'), minThreads: 1, maxThreads: threads, idleTimeout: 60_000 });
    this.pool.on('error', onPoolError);
  }

  run<R>(task: TaskName, payload: unknown, options: { signal?: AbortSignal } = {}): Promise<R> {
    const { signal } = options;
    return new Promise<R>((resolve, reject) => {
      if (signal?.aborted) return reject(new TaskAbortedError(signal.reason));
      const onAbort = (): void => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new TaskAbortedError(signal!.reason));
      };
      const entry = {
        start: (): void => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          // the next waiting task starts before the caller's continuation runs, as it would in Piscina's own queue
          const done = (): void => {
            this.running--;
            this.startWaiting();
          };
          (this.pool.run(payload, { filename: taskUrl(task), signal }) as Promise<R>).then(
            (value) => {
              done();
              resolve(value);
            },
            (err: unknown) => {
              done();
              reject(err);
            },
          );
        },
        fail: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      this.startWaiting();
    });
  }

  private startWaiting(): void {
    while (this.running < this.threads && this.waiting.length > 0) this.waiting.shift()!.start();
  }

  close(): Promise<void> {
    for (const entry of this.waiting.splice(0)) entry.fail(new Error('the thread pool is closing'));
    return this.pool.destroy();
  }
}
