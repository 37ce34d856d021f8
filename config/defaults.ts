import os from 'node:os';
import type { Config } from './config-schema.js';

export const DEFAULTS: Config = {
  env: 'development',
  version: '0.0.0',
  api: {
    host: '0.0.0.0',
    port: 8080,
    jsonLimit: '10mb',
    uploadLimit: '200mb',
    apiKeys: [],
    bullBoard: {},
    maxPredictInstances: 1000,
  },
  redis: { url: 'redis://127.0.0.1:6379', prefix: 'trainyard' },
  mongo: { url: 'mongodb://127.0.0.1:27017/trainyard' },
  worker: {
    queues: ['train', 'tune', 'tune_trial', 'evaluate', 'batch_predict', 'monitoring'],
    concurrency: 1,
    poolThreads: Math.max(1, os.availableParallelism()),
    lockDurationMs: 30_000,
    stalledIntervalMs: 15_000,
    attempts: 3,
    backoffMs: 2_000,
  },
  scheduler: { cron: '* * * * *', snapshotTtlDays: 14 },
  training: { cvFolds: 5 },
  log: { level: 'info' },
};
