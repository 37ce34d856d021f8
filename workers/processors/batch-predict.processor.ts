import { batchPredictJobSchema, type BatchPredictJob, type BatchPredictResult } from '../../queues/job-schemas.js';
import type { Database } from '../../src/registry/database.js';
import { runBatchPredictJob } from '../../src/serving/batch-predict.js';
import type { BlockOutcome, ModelMiss } from '../../src/serving/predict-work.js';
import type { TaskRunner } from '../../src/training/task-runner.js';
import type { Logger } from '../../src/utils/logger.js';
import { processorFor } from '../job-lifecycle.js';

/** The `batch_predict` queue's processor: parse, then stream the dataset through the pool's threads. */
export function batchPredictProcessor(deps: { db: Database; runner: TaskRunner; logger: Logger; blockRows: number }) {
  return processorFor<BatchPredictJob, BatchPredictResult>(deps.db, deps.logger, batchPredictJobSchema, (job, ctx) =>
    runBatchPredictJob(job, {
      db: deps.db,
      runBlock: (payload, signal) => deps.runner.run<BlockOutcome | ModelMiss>('batch-predict', payload, { signal }),
      threads: deps.runner.threads,
      blockRows: deps.blockRows,
      jobId: ctx.jobId,
      signal: ctx.signal,
      progress: ctx.progress,
    }),
  );
}
