import { trainJobSchema, type TrainJob, type TrainResult } from '../../queues/job-schemas.js';
import type { Database } from '../../src/registry/database.js';
import { runTrainJob } from '../../src/training/train.js';
import type { TaskRunner } from '../../src/training/task-runner.js';
import type { Logger } from '../../src/utils/logger.js';
import { processorFor } from '../job-lifecycle.js';

/** The `train` queue's processor: parse, then hand the work to the training domain. */
export function trainProcessor(deps: { db: Database; runner: TaskRunner; logger: Logger; packageVersion: string; defaultCvFolds: number }) {
  return processorFor<TrainJob, TrainResult>(deps.db, deps.logger, trainJobSchema, (job, ctx) =>
    runTrainJob(job, { db: deps.db, runner: deps.runner, jobId: ctx.jobId, signal: ctx.signal, progress: ctx.progress, packageVersion: deps.packageVersion, defaultCvFolds: deps.defaultCvFolds }),
  );
}
