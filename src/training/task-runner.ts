/** Task files under workers/tasks, by name. */
export type TaskName = 'cv-fold' | 'fit' | 'batch-predict' | 'evaluate';

/**
 * Runs a pure task off the main thread. The worker process backs it with a
 * Piscina pool; aborting the signal stops the task's thread.
 */
export interface TaskRunner {
  run<R>(task: TaskName, payload: unknown, options?: { signal?: AbortSignal }): Promise<R>;
  /** threads available, for planning how many tasks to start at once */
  readonly threads: number;
}
