import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { predictRequestSchema } from '../../serving/model-server.js';
import { AppError } from '../../utils/app-error.js';
import { roleError } from '../auth.js';
import { checkBodyDepth } from '../body-parsers.js';
import { guardedBy } from '../route-table.js';
import type { ApiDeps } from '../deps.js';
import { sendError } from '../errors.js';

/** `10mb` -> bytes (the config schema guarantees the form). */
export function limitBytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb|gb)$/i.exec(limit);
  if (!m) throw new RangeError(`not a size: ${limit}`);
  return Number(m[1]) * 1024 ** ['b', 'kb', 'mb', 'gb'].indexOf(m[2].toLowerCase());
}

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (!type) return false;
  const base = type.split(';', 1)[0].trim().toLowerCase();
  return base === 'application/json' || (base.startsWith('application/') && base.endsWith('+json'));
}

/** Reads a JSON body up to `limit` bytes. */
function readJson(req: IncomingMessage, limit: number, maxDepth: number): Promise<unknown> {
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
        checkBodyDepth(text, maxDepth);
      } catch (err) {
        reject(err);
        return;
      }
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

/** Where the predict path's model name sits: `/v1/models/<name>/predict`, an optional trailing slash and query. */
const PREDICT_PATH = /^\/v1\/models\/([^/?]+)\/predict\/?(?:\?|$)/;

/**
 * POST /v1/models/:name/predict, the hot path. It reads and parses its JSON
 * body itself and writes the answer without Express's response helpers (no
 * ETag hash of every answer, no content negotiation), with the same auth,
 * limits and error shapes as the other routes. `serve` takes the request
 * straight from the HTTP server, ahead of Express's router, whose share of
 * a cached prediction's cost is most of it; `route` mounts the same handler
 * in the Express app for the spellings `serve` leaves to it.
 */
export function predictRoute(deps: ApiDeps): { serve: (req: IncomingMessage, res: ServerResponse) => boolean; route: RequestHandler } {
  const { config, models, logger } = deps;
  const limit = limitBytes(config.api.jsonLimit);
  const handle = async (req: IncomingMessage, res: ServerResponse, name: string): Promise<void> => {
    try {
      const denied = roleError(config, req.headers, 'viewer'); // the route table reads 'viewer' from `route` below
      if (denied) {
        req.resume();
        throw denied;
      }
      if (!isJson(req)) {
        req.resume();
        throw new AppError('unsupported_media_type', `send the instances as JSON (Content-Type: application/json); got '${req.headers['content-type'] ?? 'no content type'}'`);
      }
      const parsed = predictRequestSchema.safeParse(await readJson(req, limit, config.api.maxBodyDepth));
      if (!parsed.success) throw parsed.error;
      const text = JSON.stringify(await models.predict(name, parsed.data));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    } catch (err) {
      sendError(logger, req, res, err);
    }
  };
  return {
    serve(req, res) {
      if (req.method !== 'POST') return false;
      const m = PREDICT_PATH.exec(req.url ?? '');
      if (!m) return false;
      let name: string;
      try {
        name = decodeURIComponent(m[1]);
      } catch {
        return false; // Express answers a malformed escape
      }
      void handle(req, res, name);
      return true;
    },
    route: guardedBy((req, res) => handle(req, res, String(req.params.name)), 'viewer'),
  };
}
