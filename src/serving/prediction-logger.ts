import type { mongo } from 'mongoose';
import { toBuckets, type LoggedPrediction } from '../registry/prediction-log.model.js';
import type { Logger } from '../utils/logger.js';

/** Options of {@link PredictionLogger}. */
export interface PredictionLoggerOptions {
  /**
   * Share of predictions kept, 0..1.
   * @defaultValue 1
   */
  sampleRate?: number;
  /**
   * Buffered entries are inserted at least this often (ms).
   * @defaultValue 500
   */
  flushMs?: number;
  /**
   * Entries per insert (packed into one bucket document per model version); a full batch is inserted at once.
   * @defaultValue 1000
   */
  batchSize?: number;
  /**
   * Most entries waiting in memory; beyond it new ones are dropped and counted.
   * @defaultValue 20000
   */
  maxBuffer?: number;
  /** random source for sampling (tests) */
  random?: () => number;
  /** called after each successful insert with the models it wrote (monitoring skips models with nothing new) */
  onWritten?: (modelNames: string[], at: Date) => Promise<unknown>;
}

/**
 * Logs a sample of served predictions to MongoDB without slowing the
 * answers: entries wait in memory and go off the request path as bucket
 * documents (src/registry/prediction-log.model.ts), one per model version
 * per batch; a failed insert is logged and its entries dropped, never
 * thrown at a caller.
 */
export class PredictionLogger {
  readonly sampleRate: number;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxBuffer: number;
  private readonly random: () => number;
  private readonly onWritten?: (modelNames: string[], at: Date) => Promise<unknown>;
  private buffer: LoggedPrediction[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private closed = false;
  /** entries inserted, dropped for a full buffer, and lost to failed inserts */
  written = 0;
  dropped = 0;
  failed = 0;

  constructor(
    private readonly collection: Pick<mongo.Collection, 'insertMany'>,
    private readonly logger: Logger,
    options: PredictionLoggerOptions = {},
  ) {
    this.sampleRate = options.sampleRate ?? 1;
    this.flushMs = options.flushMs ?? 500;
    this.batchSize = options.batchSize ?? 1000;
    this.maxBuffer = options.maxBuffer ?? 20_000;
    this.random = options.random ?? Math.random;
    this.onWritten = options.onWritten;
    if (!(this.sampleRate >= 0 && this.sampleRate <= 1)) throw new RangeError(`options.sampleRate must be in [0, 1], got ${this.sampleRate}`);
  }

  /** Whether to log the next prediction (draws once per prediction). */
  sample(): boolean {
    return this.sampleRate >= 1 || (this.sampleRate > 0 && this.random() < this.sampleRate);
  }

  /** Queues an entry already chosen by `sample()`. */
  push(entry: LoggedPrediction): void {
    if (this.closed) return;
    if (this.buffer.length >= this.maxBuffer) {
      this.dropped++;
      return;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= this.batchSize) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Starts inserting what is buffered; resolves when every insert started so far has ended. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      const p = this.collection
        .insertMany(toBuckets(batch) as never[], { ordered: false })
        .then(
          async () => {
            this.written += batch.length;
            await this.onWritten?.([...new Set(batch.map((e) => e.modelName))], new Date()).catch((err: unknown) => {
              this.logger.warn({ err: (err as Error).message }, 'could not mark the models whose predictions were logged');
            });
          },
          (err: unknown) => {
            this.failed += batch.length;
            this.logger.warn({ err: (err as Error).message, lost: batch.length }, 'prediction log insert failed');
          },
        )
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
    return Promise.all([...this.inFlight]).then(() => undefined);
  }

  /** Flushes and stops taking entries. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  /** entries waiting in memory */
  get buffered(): number {
    return this.buffer.length;
  }
}
