import type { Table } from '../../../../src/ml/data/table.js';
import { fitFinal, runFold, type FitPayload, type FoldPayload } from '../../../../src/ml/pipeline/fold-task.js';
import type { TaskName, TaskRunner } from '../../../../src/training/task-runner.js';

/** Runs fold and fit tasks on this thread, one event-loop turn apart, counting them: enough for tuning's unit tests. */
export class InlineTaskRunner implements TaskRunner {
  readonly threads: number = 1;
  folds = 0;
  aborted = 0;

  /** @param delayMs how long each task waits before it runs, so that work overlaps in time */
  constructor(private readonly delayMs = 0) {}

  async run<R>(task: TaskName, payload: unknown, options: { signal?: AbortSignal } = {}): Promise<R> {
    await new Promise((r) => (this.delayMs ? setTimeout(r, this.delayMs) : setImmediate(r)));
    if (options.signal?.aborted) {
      this.aborted++;
      throw options.signal.reason ?? new Error('aborted');
    }
    if (task === 'cv-fold') {
      this.folds++;
      return runFold(payload as FoldPayload) as R;
    }
    if (task === 'fit') return fitFinal(payload as FitPayload) as R;
    throw new Error(`no inline task '${task}'`);
  }
}

/** y = 3 x0 - 2 x1 + noise, with two irrelevant columns: ridge's alpha matters, a huge one ruins it. */
export function regressionTable(rows = 120, seed = 1): Table {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const cols = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (const c of cols) c[i] = rand() * 4 - 2;
    y[i] = 3 * cols[0][i] - 2 * cols[1][i] + (rand() - 0.5) * 0.5;
  }
  return {
    rowCount: rows,
    columns: [...cols.map((values, j) => ({ name: `x${j}`, kind: 'number' as const, values })), { name: 'y', kind: 'number' as const, values: y }],
  };
}
