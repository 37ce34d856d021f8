import os from 'node:os';
import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import type { Database } from '../../src/registry/database.js';
import type { TaskRunner } from '../../src/training/task-runner.js';
import { MongoStudyStorage } from '../../src/training/tuning/storage/mongo-study-storage.js';
import { trialJobSchema } from '../../src/training/tuning/trial-dispatcher.js';
import { datasetTables, runTrialJob } from '../../src/training/tuning/tune.js';
import type { Logger } from '../../src/utils/logger.js';

/**
 * The `tune_trial` queue's processor: one trial of a study, its folds in
 * this process's pool. Trials have no job record of their own; their state
 * lives in the study's storage.
 */
export function tuneTrialProcessor(deps: { db: Database; runner: TaskRunner; logger: Logger }): Processor {
  const storage = new MongoStudyStorage(deps.db.conn);
  const tables = datasetTables(deps.db);
  const worker = `${os.hostname()}:${process.pid}`;
  return async (job: Job, _token?: string, signal?: AbortSignal) => {
    const parsed = trialJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid trial payload: ${parsed.error.message}`);
    const log = deps.logger.child({ job: job.id, study: parsed.data.study_id, trial: parsed.data.number });
    const result = await runTrialJob(parsed.data, {
      db: deps.db,
      storage,
      runner: deps.runner,
      tables,
      worker,
      signal,
      isLastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    });
    log.info({ state: result.state }, 'trial finished');
    return result;
  };
}
