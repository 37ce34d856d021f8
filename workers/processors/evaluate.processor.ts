import { evaluateJobSchema, type EvaluateJob } from '../../queues/job-schemas.js';
import { runEvaluateJob, type EvaluateResult } from '../../src/evaluation/evaluate-job.js';
import type { GateLimits } from '../../src/evaluation/validation-gates.js';
import type { Database } from '../../src/registry/database.js';
import type { TaskRunner } from '../../src/training/task-runner.js';
import type { Logger } from '../../src/utils/logger.js';
import { processorFor } from '../job-lifecycle.js';

/** The `evaluate` queue's processor: parse, then hand the work to the evaluation domain. */
export function evaluateProcessor(deps: { db: Database; runner: TaskRunner; logger: Logger; limits: GateLimits; sliceBins: number }) {
  return processorFor<EvaluateJob, EvaluateResult>(deps.db, deps.logger, evaluateJobSchema, (job, ctx) =>
    runEvaluateJob(job, { db: deps.db, runner: deps.runner, jobId: ctx.jobId, signal: ctx.signal, progress: ctx.progress, limits: deps.limits, sliceBins: deps.sliceBins }),
  );
}
