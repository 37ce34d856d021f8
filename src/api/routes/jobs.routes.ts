import express, { Router } from 'express';
import { parse as parseYaml } from 'yaml';
import { jobCancelFilterSchema, jobQuerySchema } from '../../jobs/job-service.js';
import { AppError } from '../../utils/app-error.js';
import { callerOf, requireRole } from '../auth.js';
import { checkBodyDepth, checkValueDepth, requireBody } from '../body-parsers.js';
import type { ApiDeps } from '../deps.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** A YAML body holds the job's keys at the top level; `type` defaults to train. */
function fromYaml(text: string, maxDepth: number): unknown {
  checkBodyDepth(text, maxDepth);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new AppError('bad_request', `malformed YAML body: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new AppError('validation_failed', 'the YAML body must be a mapping of job keys');
  checkValueDepth(doc, maxDepth);
  return { type: 'train', ...(doc as Record<string, unknown>) };
}

export function jobRoutes(deps: ApiDeps): Router {
  const { config, jobs } = deps;
  const router = Router();
  const operator = requireRole(config, 'operator');
  const viewer = requireRole(config, 'viewer');
  const yamlBody = express.text({ type: YAML_TYPES, limit: config.api.jsonLimit });

  router.post('/', operator, yamlBody, async (req, res) => {
    requireBody(req, 'the job as application/json or application/yaml');
    let body: unknown;
    if (typeof req.body === 'string' && req.is(YAML_TYPES)) body = fromYaml(req.body, config.api.maxBodyDepth);
    else if (req.is('application/json')) body = req.body;
    else throw new AppError('unsupported_media_type', `send the job as application/json or application/yaml; got '${req.get('content-type') ?? 'no content type'}'`);
    const key = req.get('idempotency-key') ?? undefined;
    if (key !== undefined && (key.length < 1 || key.length > 200)) throw new AppError('validation_failed', 'Idempotency-Key must be 1-200 characters');
    const { job, created } = await jobs.submit(body, key, callerOf(config, req).who);
    if (!created) res.set('Idempotent-Replayed', 'true');
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });

  router.get('/', viewer, async (req, res) => {
    const parsed = jobQuerySchema.safeParse(req.query);
    if (!parsed.success) throw parsed.error;
    res.json(await jobs.search(parsed.data));
  });

  router.get('/:id', viewer, async (req, res) => {
    res.json(await jobs.get(String(req.params.id)));
  });

  router.delete('/', operator, async (req, res) => {
    const parsed = jobCancelFilterSchema.safeParse(req.query);
    if (!parsed.success) throw parsed.error;
    res.status(202).json(await jobs.cancelMany(parsed.data));
  });

  router.delete('/:id', operator, async (req, res) => {
    res.status(202).json(await jobs.cancel(String(req.params.id)));
  });

  return router;
}
