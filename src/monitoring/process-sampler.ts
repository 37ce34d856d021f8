import os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Database } from '../registry/database.js';
import type { Logger } from '../utils/logger.js';
import { drainPredictStats } from './predict-metrics.js';

export type ProcessRole = 'api' | 'worker';

/** One process's resources at one moment. */
export interface ProcessValues {
  /** CPU time (user + system) per wall second since the last sample; 1 = one core busy */
  cpu: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** event-loop delay since the last sample, milliseconds */
  eventLoopLagMeanMs: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  uptimeSeconds: number;
}

export interface ProcessSamplerOptions {
  role: ProcessRole;
  intervalMs: number;
  retentionDays: number;
  logger: Logger;
  /** @defaultValue `role:hostname:pid` */
  id?: string;
}

/**
 * Samples this process every interval into MongoDB: CPU, memory and
 * event-loop lag (the `process` series, which also serves as the worker's
 * heartbeat), plus the prediction latency and errors gathered since the last
 * sample (the `predict` series). Stopping writes a last sample marked
 * `stopped`, so a process that shut down cleanly is not reported silent.
 */
export class ProcessSampler {
  readonly id: string;
  private timer: NodeJS.Timeout | null = null;
  private readonly lag: IntervalHistogram;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private writing: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly options: ProcessSamplerOptions,
  ) {
    this.id = options.id ?? `${options.role}:${os.hostname()}:${process.pid}`;
    this.lag = monitorEventLoopDelay({ resolution: 10 });
  }

  start(): this {
    this.lag.enable();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops sampling and writes the `stopped` sample; later calls do nothing. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = this.finish();
    return this.stopping;
  }

  private async finish(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
    await this.write(true).catch((err) => this.options.logger.warn({ err }, 'could not write the last process sample'));
    this.lag.disable();
  }

  /** Reads the values and resets the lag histogram and CPU baseline. */
  read(): ProcessValues {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const wallMs = Math.max(1, now - this.lastAt);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const mem = process.memoryUsage();
    const ns = (v: number): number => (Number.isFinite(v) ? v / 1e6 : 0);
    const values: ProcessValues = {
      cpu: (cpu.user + cpu.system) / 1000 / wallMs,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      eventLoopLagMeanMs: this.lag.count > 0 ? ns(this.lag.mean) : 0,
      eventLoopLagP99Ms: this.lag.count > 0 ? ns(this.lag.percentile(99)) : 0,
      eventLoopLagMaxMs: this.lag.count > 0 ? ns(this.lag.max) : 0,
      uptimeSeconds: process.uptime(),
    };
    this.lag.reset();
    return values;
  }

  private tick(): void {
    this.writing = this.writing.then(() => this.write(false)).catch((err) => this.options.logger.warn({ err }, 'could not write a process sample'));
  }

  private async write(stopped: boolean): Promise<void> {
    const at = new Date();
    const expiresAt = new Date(at.getTime() + this.options.retentionDays * 86_400_000);
    const docs: Array<Record<string, unknown>> = [
      { key: `process|${this.id}|${at.getTime()}${stopped ? '|stopped' : ''}`, kind: 'process', subject: this.id, role: this.options.role, at, values: this.read(), stopped, expiresAt },
    ];
    for (const s of drainPredictStats()) {
      const { modelName, version, ...values } = s;
      docs.push({ key: `predict|${modelName}@${version}|${this.id}|${at.getTime()}`, kind: 'predict', subject: `${modelName}@${version}`, role: this.options.role, modelName, version, at, values, expiresAt });
    }
    await this.db.metricSamples.insertMany(docs, { ordered: false });
  }
}
