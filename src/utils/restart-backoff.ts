/** Options of {@link RestartBackoff}. */
export interface RestartBackoffOptions {
  /** delay before the first restart; @defaultValue 500 */
  initialMs?: number;
  /** longest delay; @defaultValue 30000 */
  maxMs?: number;
  /** a child that ran at least this long before dying starts the series again; @defaultValue 60000 */
  resetAfterMs?: number;
}

/**
 * How long a supervisor waits before restarting a child that died: doubling
 * from `initialMs` up to `maxMs` while the child keeps dying soon after it
 * starts, back to `initialMs` once it has stayed up for `resetAfterMs`. One
 * instance per supervised child.
 */
export class RestartBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly resetAfterMs: number;
  private failures = 0;

  constructor(options: RestartBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.resetAfterMs = options.resetAfterMs ?? 60_000;
    for (const [key, value] of Object.entries({ initialMs: this.initialMs, maxMs: this.maxMs, resetAfterMs: this.resetAfterMs })) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`options.${key} must be a non-negative number, got ${value}`);
    }
  }

  /** The delay before restarting a child that ran for `upMs` before it died. */
  delayAfterExit(upMs: number): number {
    if (upMs >= this.resetAfterMs) this.failures = 0;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    this.failures++;
    return delay;
  }
}
