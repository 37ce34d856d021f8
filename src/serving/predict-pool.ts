import { Piscina } from 'piscina';
import type { ModelMiss, PredictOutcome, PredictPayload } from './predict-work.js';

/**
 * Runs a task that needs a model on some pool thread: first without the
 * model's JSON (the thread may hold it), and again with it if the thread
 * answers that it does not. `modelText` is called only then.
 */
export async function runWithModel<P extends { sha256: string; model?: string }, O extends { ok: boolean }>(
  run: (payload: P) => Promise<O | ModelMiss>,
  payload: P,
  modelText: () => string | Promise<string>,
): Promise<Exclude<O, ModelMiss>> {
  const first = await run(payload);
  if (!isMiss(first)) return first as Exclude<O, ModelMiss>;
  const second = await run({ ...payload, model: await modelText() });
  if (isMiss(second)) throw new Error('a pool thread did not load the model it was sent');
  return second as Exclude<O, ModelMiss>;
}

function isMiss(o: { ok: boolean }): o is ModelMiss {
  return o.ok === false && (o as { miss?: boolean }).miss === true;
}

/** Under tsx (tests, dev scripts) this module is the .ts source, and so is the task file. */
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

/** The predict task file (dist/src/serving -> dist/workers/tasks). */
export const PREDICT_TASK_URL = new URL(`../../workers/tasks/predict.task.${ext}`, import.meta.url).href;

/**
 * The API process's own small thread pool for predictions too heavy for the
 * event loop, started on first use. Threads live as long as the pool, so the
 * pipelines they hold stay warm.
 */
export class PredictPool {
  private pool: Piscina | null = null;
  /** tasks sent, and how many of them carried a model's JSON */
  sent = 0;
  modelsSent = 0;

  constructor(
    readonly threads: number,
    private readonly filename: string = PREDICT_TASK_URL,
    /** errors that belong to no task (Piscina's `error` event); without a listener they would end the API process */
    private readonly onPoolError: (err: Error) => void = (err) => process.emitWarning(err, 'PredictPoolError'),
  ) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }

  run(payload: PredictPayload): Promise<PredictOutcome> {
    this.sent++;
    if (payload.model !== undefined) this.modelsSent++;
    if (!this.pool) {
      this.pool = new Piscina({ filename: this.filename, minThreads: this.threads, maxThreads: this.threads, idleTimeout: 0 });
      this.pool.on('error', this.onPoolError);
    }
    return this.pool.run(payload) as Promise<PredictOutcome>;
  }

  /** tasks waiting for a thread */
  get queued(): number {
    return this.pool?.queueSize ?? 0;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
