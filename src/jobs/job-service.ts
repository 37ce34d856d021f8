import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '../../queues/connection.js';
import { z } from 'zod';
import { isJobType, JOB_SCHEMAS, JOB_TYPES, type JobType } from '../../queues/job-schemas.js';
import type { JobQueues } from '../../queues/job-queues.js';
import type { QueueKind } from '../../config/index.js';
import { cancelChannel, QUEUE_OF } from '../../queues/queue-names.js';
import type { Database } from '../registry/database.js';
import { isDuplicateKey } from '../registry/database.js';
import { JOB_STATES, type JobRecordDoc } from '../registry/job-record.model.js';
import { AppError, notFound } from '../utils/app-error.js';
import { canonicalJson } from '../utils/canonical-json.js';
import { GroupCommit } from './group-commit.js';
import { checkJobLimits, type JobLimits } from './job-limits.js';
import { markCancelled } from './job-records.js';
import { toJobView, type JobView } from './job-view.js';

/** Checks a parsed job spec against the registry (dataset exists, columns, model params) before it is queued. */
export type JobValidator = (spec: unknown) => Promise<void>;

export interface JobServiceDeps {
  db: Database;
  queues: JobQueues;
  /** publishes cancel requests to the workers */
  publisher: RedisClient;
  validators: Partial<Record<JobType, JobValidator>>;
  /** the cost limits every job is checked against at submit */
  limits: JobLimits;
  /** worker.poolThreads: `n_jobs` may not ask for more */
  poolThreads: number;
}

/** Turns zod issues into `[{path, message}]` for a 400's details. */
export function zodDetails(err: z.ZodError): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function validationError(what: string, err: z.ZodError): AppError {
  const first = err.issues[0];
  const where = first.path.length ? ` at '${first.path.join('.')}'` : '';
  return new AppError('validation_failed', `invalid ${what}${where}: ${first.message}`, { details: zodDetails(err) });
}

export class JobService {
  /** job records of concurrent submissions go in together (one insertMany per batch) */
  private readonly records: GroupCommit<Record<string, unknown>, JobRecordDoc>;
  /** and so do their queue entries, one addBulk per queue and batch */
  private readonly enqueues = new Map<string, GroupCommit<{ name: string; data: unknown; opts: { jobId: string } }, null>>();

  constructor(private readonly deps: JobServiceDeps) {
    this.records = new GroupCommit(async (docs) => {
      const created = await deps.db.jobs.insertMany(docs, { ordered: false });
      return created.map((d) => d.toObject() as JobRecordDoc);
    });
  }

  private enqueue(queueName: QueueKind, name: string, data: unknown, jobId: string): Promise<null> {
    let committer = this.enqueues.get(queueName);
    if (!committer) {
      const queue = this.deps.queues.get(queueName);
      committer = new GroupCommit<{ name: string; data: unknown; opts: { jobId: string } }, null>(async (items) => {
        await queue.addBulk(items);
        return items.map(() => null);
      });
      this.enqueues.set(queueName, committer);
    }
    return committer.submit({ name, data, opts: { jobId } });
  }

  /**
   * Validates and queues a job. With an idempotency key, a repeated request
   * returns the first job instead of queueing another. Keys are scoped to
   * the caller (two callers' equal keys are two keys), and a key is bound to
   * its body: the same key with a different body is a 422.
   */
  async submit(body: unknown, idempotencyKey?: string, caller = 'anonymous'): Promise<{ job: JobView; created: boolean }> {
    const { db, validators } = this.deps;
    const type = (body as { type?: unknown } | null)?.type;
    if (!isJobType(type)) {
      throw new AppError('validation_failed', `unknown job type ${JSON.stringify(type)}; known types: ${JOB_TYPES.join(', ')}`);
    }
    const parsed = JOB_SCHEMAS[type].safeParse(body);
    if (!parsed.success) throw validationError(`${type} job`, parsed.error);
    checkJobLimits(type, parsed.data, this.deps.limits, { poolThreads: this.deps.poolThreads });
    const idem = idempotencyKey ? { id: `${caller} ${idempotencyKey}`, key: idempotencyKey, bodyHash: createHash('sha256').update(canonicalJson(body)).digest('hex') } : null;
    if (idem) {
      const existing = await this.byIdempotencyKey(idem);
      if (existing) return { job: existing, created: false };
    }
    await validators[type]?.(parsed.data);

    const id = randomUUID();
    if (idem) {
      try {
        await this.claimIdempotencyKey(idem, id);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await this.byIdempotencyKey(idem, 20);
        if (existing) return { job: existing, created: false };
        throw new AppError('conflict', `a job with Idempotency-Key '${idem.key}' is being created; retry shortly`);
      }
    }
    try {
      return await this.create(type, body as Record<string, unknown>, id);
    } catch (err) {
      // the job was not made: free the key for the client's retry
      if (idem) await db.idempotency.deleteOne({ _id: idem.id, jobId: id }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Takes a key for `jobId`. A key whose job was never made (the request
   * that took it failed before the job record was written, say while a
   * store was down) and that is older than a minute is taken over.
   */
  private async claimIdempotencyKey(idem: { id: string; bodyHash: string }, jobId: string): Promise<void> {
    const { db } = this.deps;
    try {
      await db.idempotency.create({ _id: idem.id, jobId, bodyHash: idem.bodyHash });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const entry = await db.idempotency.findById(idem.id).lean<{ jobId: string; createdAt?: Date }>();
      const stale = entry && !(await db.jobs.exists({ _id: entry.jobId })) && entry.createdAt && Date.now() - new Date(entry.createdAt).getTime() > 60_000;
      if (!stale) throw err;
      await db.idempotency.deleteOne({ _id: idem.id, jobId: entry.jobId });
      await db.idempotency.create({ _id: idem.id, jobId, bodyHash: idem.bodyHash });
    }
  }

  private async create(type: JobType, spec: Record<string, unknown>, id: string): Promise<{ job: JobView; created: boolean }> {
    const { db } = this.deps;
    // the record first, so a worker that takes the job finds it; the 202 only after both writes
    const record = await this.records.submit({
      _id: id,
      type,
      state: 'queued',
      modelName: typeof spec.model_name === 'string' ? spec.model_name : null,
      dataset: typeof spec.dataset === 'string' ? spec.dataset : null,
      spec,
    });
    try {
      await this.enqueue(QUEUE_OF[type], type, spec, id);
    } catch (err) {
      await db.jobs.updateOne({ _id: id }, { $set: { state: 'failed', error: { code: 'enqueue_failed', message: String(err) }, finishedAt: new Date() } });
      throw new AppError('not_ready', `could not queue the job: ${(err as Error).message}`, { cause: err });
    }
    return { job: toJobView(record), created: true };
  }

  /** The job a caller's key already made, if any; a key used with another body is a 422. */
  private async byIdempotencyKey(idem: { id: string; key: string; bodyHash: string }, waitTries = 0): Promise<JobView | null> {
    for (let i = 0; ; i++) {
      const entry = await this.deps.db.idempotency.findById(idem.id).lean();
      if (entry) {
        if (entry.bodyHash && entry.bodyHash !== idem.bodyHash) {
          throw new AppError('idempotency_key_reused', `Idempotency-Key '${idem.key}' was used for a different job body; use a new key for a new job`);
        }
        const job = await this.deps.db.jobs.findById(entry.jobId).lean();
        if (job) return toJobView(job);
      }
      if (i >= waitTries) return null;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async get(id: string): Promise<JobView> {
    const doc = await this.deps.db.jobs.findById(id).lean();
    if (!doc) throw notFound('job', id);
    return toJobView(doc);
  }

  /** Searches the job records in MongoDB (never a Redis scan). */
  async search(query: JobQuery): Promise<{ jobs: JobView[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (query.type) filter.type = query.type;
    if (query.state) filter.state = query.state;
    if (query.model) filter.modelName = query.model;
    if (query.since || query.until) {
      filter.createdAt = { ...(query.since ? { $gte: query.since } : {}), ...(query.until ? { $lte: query.until } : {}) };
    }
    const [docs, total] = await Promise.all([
      this.deps.db.jobs.find(filter).sort({ createdAt: -1 }).skip(query.offset).limit(query.limit).lean(),
      this.deps.db.jobs.countDocuments(filter),
    ]);
    return { jobs: docs.map(toJobView), total };
  }

  /**
   * Cancels a job: a waiting one is removed from its queue; a running one is
   * told to stop through Redis pub/sub, and its worker aborts its threads.
   */
  /**
   * Cancels a job: a queued one is taken off its queue (so no worker starts
   * it) and its record says cancelled; a running one is told through Redis
   * pub/sub and its worker aborts its threads. One record write per queued
   * job: the store's writes are what cancelling costs.
   */
  async cancel(id: string): Promise<JobView> {
    const { db } = this.deps;
    const doc = await db.jobs.findById(id).lean();
    if (!doc) throw notFound('job', id);
    if (!['queued', 'active'].includes(doc.state)) {
      throw new AppError('conflict', `job '${id}' is already ${doc.state}; only queued or active jobs can be cancelled`);
    }
    const [outcome] = await this.stopJobs([{ id, type: doc.type as JobType }]);
    if (outcome === 'cancelled') {
      const finishedAt = new Date();
      await markCancelled(db, id, { at: finishedAt });
      return toJobView({ ...doc, state: 'cancelled', error: { code: 'cancelled', message: 'cancelled by request' }, finishedAt });
    }
    return this.get(id);
  }

  /**
   * DELETE /v1/jobs?state=queued|active&type=&model=: cancels every open job
   * the filter matches, queued ones taken off their queues in Redis first
   * (one script each, no record read), their records then written in one
   * update; running ones asked to stop.
   */
  async cancelMany(filter: JobCancelFilter): Promise<{ matched: number; cancelled: number; stopping: number }> {
    const { db } = this.deps;
    const query: Record<string, unknown> = { state: filter.state };
    if (filter.type) query.type = filter.type;
    if (filter.model) query.modelName = filter.model;
    const docs = await db.jobs.find(query).select({ _id: 1, type: 1 }).limit(filter.limit).lean();
    let cancelled = 0;
    let stopping = 0;
    for (let i = 0; i < docs.length; i += 500) {
      const page = docs.slice(i, i + 500).map((d) => ({ id: String(d._id), type: d.type as JobType }));
      const outcomes = await this.stopJobs(page);
      const done = page.filter((_, k) => outcomes[k] === 'cancelled').map((j) => j.id);
      if (done.length) {
        const res = await db.jobs.updateMany(
          { _id: { $in: done }, state: { $in: ['queued', 'active'] } },
          { $set: { state: 'cancelled', error: { code: 'cancelled', message: 'cancelled by request (bulk)' }, finishedAt: new Date() } },
        );
        cancelled += res.modifiedCount;
      }
      stopping += outcomes.filter((o) => o === 'stopping').length;
    }
    return { matched: docs.length, cancelled, stopping };
  }

  /**
   * Takes each job off its queue when it is still waiting ('cancelled': no
   * worker will start it); a job that is running (or started meanwhile) is
   * marked cancelRequested and told to stop over pub/sub ('stopping').
   */
  private async stopJobs(jobs: ReadonlyArray<{ id: string; type: JobType }>): Promise<Array<'cancelled' | 'stopping'>> {
    const { db, queues, publisher } = this.deps;
    const outcomes = await Promise.all(
      jobs.map(async ({ id, type }): Promise<'cancelled' | 'stopping'> => {
        const job = await queues.get(QUEUE_OF[type]).getJob(id);
        if (!job) return 'cancelled';
        const state = await job.getState();
        if (state === 'unknown') return 'cancelled';
        if (['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) {
          try {
            await job.remove();
            return 'cancelled';
          } catch {
            // it became active meanwhile: stop it as a running job
          }
        }
        return 'stopping';
      }),
    );
    const running = jobs.filter((_, k) => outcomes[k] === 'stopping').map((j) => j.id);
    if (running.length) {
      await db.jobs.updateMany({ _id: { $in: running } }, { $set: { cancelRequested: true } });
      for (const id of running) await publisher.publish(cancelChannel(queues.prefix), id);
    }
    return outcomes;
  }
}

export const jobCancelFilterSchema = z
  .object({
    state: z.enum(['queued', 'active']),
    type: z.enum(JOB_TYPES as [JobType, ...JobType[]]).optional(),
    model: z.string().min(1).max(200).optional(),
    /** at most this many jobs per request */
    limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  })
  .strict();
export type JobCancelFilter = z.infer<typeof jobCancelFilterSchema>;

export const jobQuerySchema = z
  .object({
    type: z.enum(JOB_TYPES as [JobType, ...JobType[]]).optional(),
    state: z.enum(JOB_STATES).optional(),
    model: z.string().optional(),
    since: z.coerce.date().optional(),
    until: z.coerce.date().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type JobQuery = z.infer<typeof jobQuerySchema>;
