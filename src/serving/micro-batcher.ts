/** Options of {@link MicroBatcher}. */
export interface MicroBatcherOptions {
  /**
   * Most items in one batch; a full batch goes at once.
   * @defaultValue 32
   */
  maxBatch?: number;
  /**
   * Longest the first item of a batch waits for others, in milliseconds.
   * @defaultValue 2
   */
  maxWaitMs?: number;
  /**
   * Send the batch as soon as a turn of the event loop adds nothing to it,
   * instead of always waiting `maxWaitMs`: under load the requests that
   * arrive together still share a batch, and a lone request is not held up.
   * @defaultValue true
   */
  idleFlush?: boolean;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(err: unknown): void;
}

/**
 * Gathers items that arrive close together into batches for one call of
 * `run` (which answers one output per item, in order) and hands each caller
 * its own answer. A batch goes when it is full, when `maxWaitMs` has passed
 * since its first item, or (with `idleFlush`) when the event loop has a turn
 * in which nothing joins it.
 */
export class MicroBatcher<I, O> {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly idleFlush: boolean;
  private pending: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private seenAtCheck = 0;
  /** batches sent so far */
  batches = 0;
  /** items sent so far */
  items = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 32;
    this.maxWaitMs = options.maxWaitMs ?? 2;
    this.idleFlush = options.idleFlush ?? true;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError(`options.maxBatch must be a positive integer, got ${this.maxBatch}`);
    if (!(this.maxWaitMs >= 0)) throw new RangeError(`options.maxWaitMs must be >= 0, got ${this.maxWaitMs}`);
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (this.pending.length === 1) this.arm();
    });
  }

  /** Sends what is waiting now. */
  flush(): void {
    this.disarm();
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.send(batch);
    }
  }

  private arm(): void {
    if (this.maxWaitMs === 0) {
      this.immediate = setImmediate(() => this.flush());
      return;
    }
    this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    if (this.idleFlush) {
      this.seenAtCheck = this.pending.length;
      this.immediate = setImmediate(() => this.checkIdle());
    }
  }

  private checkIdle(): void {
    this.immediate = null;
    if (this.pending.length > this.seenAtCheck) {
      // Still arriving: give the next turn a chance to add more.
      this.seenAtCheck = this.pending.length;
      this.immediate = setImmediate(() => this.checkIdle());
      return;
    }
    this.flush();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  private send(batch: Pending<I, O>[]): void {
    this.batches++;
    this.items += batch.length;
    let result: Promise<O[]>;
    try {
      result = this.run(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    result.then(
      (outputs) => {
        if (outputs.length !== batch.length) {
          const err = new Error(`MicroBatcher: run answered ${outputs.length} outputs for ${batch.length} items`);
          for (const p of batch) p.reject(err);
          return;
        }
        for (let i = 0; i < batch.length; i++) batch[i].resolve(outputs[i]);
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    );
  }
}
