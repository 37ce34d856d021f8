import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { predictRequestSchema } from '../../serving/model-server.js';
import { AppError } from '../../utils/app-error.js';
import { requireRole } from '../auth.js';
import type { ApiDeps } from '../deps.js';

/** `10mb` -> bytes (the config schema guarantees the form). */
export function limitBytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb|gb)$/i.exec(limit);
  if (!m) throw new RangeError(`not a size: ${limit}`);
  return Number(m[1]) * 1024 ** ['b', 'kb', 'mb', 'gb'].indexOf(m[2].toLowerCase());
}

function isJson(req: Request): boolean {
  const type = req.headers['content-type'];
  if (!type) return false;
  const base = type.split(';', 1)[0].trim().toLowerCase();
  return base === 'application/json' || (base.startsWith('application/') && base.endsWith('+json'));
}

/** Reads a JSON body up to `limit` bytes. */
function readJson(req: Request, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      reject(new AppError('payload_too_large', `request body is larger than the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new AppError('payload_too_large', `request body is larger than the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text === '' ? {} : JSON.parse(text));
      } catch (err) {
        reject(new AppError('invalid_json', `malformed JSON body: ${(err as Error).message}`));
      }
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/**
 * POST /v1/models/:name/predict, the hot path. Mounted ahead of the general
 * middleware, it reads and parses its JSON body itself and writes the answer
 * without Express's response helpers (no ETag hash of every answer, no
 * content negotiation): the framework's share of a request's cost is most
 * of it once the model and the cache are fast. Same auth, limits and error
 * shapes as the other routes.
 */
export function predictRoute(deps: ApiDeps): RequestHandler[] {
  const { config, models } = deps;
  const limit = limitBytes(config.api.jsonLimit);
  const handler = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      if (!isJson(req)) {
        req.resume();
        throw new AppError('unsupported_media_type', 'send the instances as JSON (Content-Type: application/json)');
      }
      const parsed = predictRequestSchema.safeParse(await readJson(req, limit));
      if (!parsed.success) throw parsed.error;
      const text = JSON.stringify(await models.predict(String(req.params.name), parsed.data));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    } catch (err) {
      next(err);
    }
  };
  return [requireRole(config, 'viewer'), handler];
}
