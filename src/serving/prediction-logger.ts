import type { mongo } from 'mongoose';
import type { Logger } from '../utils/logger.js';

/** One served prediction as logged (the fields of src/registry/prediction-log.model.ts). */
export interface PredictionLogEntry {
  _id: string;
  modelName: string;
  version: string;
  input: Record<string, unknown>;
  prediction: unknown;
  probabilities?: number[];
  latencyMs: number;
  label: null;
  labeledAt: null;
  createdAt: Date;
}

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
   * Entries per insert; a full batch is inserted at once.
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
}

/**
 * Logs a sample of served predictions to MongoDB without slowing the
 * answers: entries wait in memory and go in unordered batch inserts off the
 * request path; a failed insert is logged and its entries dropped, never
 * thrown at a caller. Keys with '.' or '$' (which MongoDB-protocol servers
 * such as FerretDB refuse) are stored with U+FF0E / U+FF04 in their place.
 */
export class PredictionLogger {
  readonly sampleRate: number;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxBuffer: number;
  private readonly random: () => number;
  private buffer: PredictionLogEntry[] = [];
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
    if (!(this.sampleRate >= 0 && this.sampleRate <= 1)) throw new RangeError(`options.sampleRate must be in [0, 1], got ${this.sampleRate}`);
  }

  /** Whether to log the next prediction (draws once per prediction). */
  sample(): boolean {
    return this.sampleRate >= 1 || (this.sampleRate > 0 && this.random() < this.sampleRate);
  }

  /** Queues an entry already chosen by `sample()`. */
  push(entry: PredictionLogEntry): void {
    if (this.closed) return;
    if (this.buffer.length >= this.maxBuffer) {
      this.dropped++;
      return;
    }
    entry.input = safeKeys(entry.input);
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
        .insertMany(batch as never[], { ordered: false })
        .then(
          () => {
            this.written += batch.length;
          },
          (err: unknown) => {
            const inserted = (err as { result?: { insertedCount?: number } }).result?.insertedCount ?? 0;
            this.written += inserted;
            this.failed += batch.length - inserted;
            this.logger.warn({ err: (err as Error).message, lost: batch.length - inserted }, 'prediction log insert failed');
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

function safeKeys(input: Record<string, unknown>): Record<string, unknown> {
  let clean = true;
  for (const k in input) {
    if (k.includes('.') || k.includes('$')) {
      clean = false;
      break;
    }
  }
  if (clean) return input;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) out[k.replaceAll('.', '\uff0e').replaceAll('$', '\uff04')] = v;
  return out;
}
