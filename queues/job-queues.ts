import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './connection.js';
import { QUEUE_KINDS, type Config, type QueueKind } from '../config/index.js';

/** Default job options: retried with exponential backoff, retention by count. */
export function defaultJobOptions(config: Config): JobsOptions {
  return {
    attempts: config.worker.attempts,
    backoff: { type: 'exponential', delay: config.worker.backoffMs },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 5000 },
  };
}

/** One BullMQ Queue per kind, sharing a connection and prefix. */
export class JobQueues {
  readonly queues: Record<QueueKind, Queue>;

  constructor(connection: RedisClient, readonly prefix: string, config: Config) {
    const opts = { connection, prefix, defaultJobOptions: defaultJobOptions(config) };
    this.queues = Object.fromEntries(QUEUE_KINDS.map((k) => [k, new Queue(k, opts)])) as Record<QueueKind, Queue>;
  }

  get(kind: QueueKind): Queue {
    return this.queues[kind];
  }

  all(): Queue[] {
    return Object.values(this.queues);
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
