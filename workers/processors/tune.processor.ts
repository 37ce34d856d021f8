import type { QueueEvents } from 'bullmq';
import type { JobQueues } from '../../queues/job-queues.js';
import { tuneJobSchema, type TuneJob, type TuneResult } from '../../queues/job-schemas.js';
import type { Database } from '../../src/registry/database.js';
import type { TaskRunner } from '../../src/training/task-runner.js';
import { BullTrialDispatcher } from '../../src/training/tuning/bullmq-trial-dispatcher.js';
import { MongoStudyStorage } from '../../src/training/tuning/storage/mongo-study-storage.js';
import { datasetTables, runTuneJob } from '../../src/training/tuning/tune.js';
import type { Logger } from '../../src/utils/logger.js';
import { processorFor } from '../job-lifecycle.js';

/**
 * The `tune` queue's processor: drives a study whose trials run as
 * `tune_trial` jobs on any worker. It only waits and asks (the folds run
 * elsewhere), so it does not hold a slot the trials need.
 */
export function tuneProcessor(deps: {
  db: Database;
  runner: TaskRunner;
  logger: Logger;
  queues: JobQueues;
  /** publishes a job id on the cluster's cancel channel */
  publishCancel: (jobId: string) => Promise<unknown>;
  /** events of the `tune_trial` queue (a connection of their own: they block on Redis) */
  trialEvents?: QueueEvents;
  packageVersion: string;
  defaultCvFolds: number;
}) {
  const storage = new MongoStudyStorage(deps.db.conn);
  const tables = datasetTables(deps.db);
  const dispatcher = new BullTrialDispatcher(deps.queues.get('tune_trial'), deps.publishCancel, deps.trialEvents);
  return processorFor<TuneJob, TuneResult>(deps.db, deps.logger, tuneJobSchema, (job, ctx) =>
    runTuneJob(job, {
      db: deps.db,
      storage,
      runner: deps.runner,
      dispatcher,
      tables,
      jobId: ctx.jobId,
      packageVersion: deps.packageVersion,
      defaultCvFolds: deps.defaultCvFolds,
      signal: ctx.signal,
      progress: ctx.progress,
      pollMs: deps.trialEvents ? 1000 : 200,
    }),
  );
}
