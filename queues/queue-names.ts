import type { QueueKind } from '../config/index.js';
import type { JobType } from './job-schemas.js';

/** Which queue a job type goes to. */
export const QUEUE_OF: Record<JobType, QueueKind> = {
  train: 'train',
  monitor: 'monitoring',
  tune: 'tune',
  evaluate: 'evaluate',
  batch_predict: 'batch_predict',
};

/** Redis pub/sub channel on which cancel requests reach every worker. */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}
