import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { ArtifactCorruptedError, ArtifactNotFoundError } from '../registry/artifact-store.js';
import { DataError, ParameterError } from '../ml/base/errors.js';
import { AppError } from '../utils/app-error.js';
import type { Logger } from '../utils/logger.js';
import { validationError } from '../jobs/job-service.js';

/** Maps any error to `{error: {code, message, details?}}` with a fitting status; never a stack trace. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return validationError('request', err);
  if (err instanceof DataError) return new AppError('validation_failed', err.message, { details: err.details });
  if (err instanceof ParameterError) return new AppError('validation_failed', err.message, { details: err.parameter ? { parameter: err.parameter } : undefined });
  if (err instanceof ArtifactCorruptedError) return new AppError('internal', err.message, { status: 500 });
  if (err instanceof ArtifactNotFoundError) return new AppError('internal', err.message);
  const e = err as { type?: string; status?: number; limit?: number; message?: string };
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', `request body is larger than the limit of ${e.limit} bytes`);
  if (e?.type === 'entity.parse.failed') return new AppError('invalid_json', `malformed JSON body: ${e.message}`);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError('unsupported_media_type', e.message ?? 'unsupported encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new AppError('bad_request', e.message ?? 'bad request', { status: e.status });
  return new AppError('internal', 'internal error', { cause: err });
}

/** Answers a failed request with its error as JSON (a half-sent answer is cut off instead); logs server faults. */
export function sendError(logger: Logger, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const appErr = toAppError(err);
  if (appErr.status >= 500) logger.error({ err, method: req.method, url: (req as { originalUrl?: string }).originalUrl ?? req.url }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ error: { code: appErr.code, message: appErr.message, ...(appErr.details !== undefined ? { details: appErr.details } : {}) } });
  res.writeHead(appErr.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    sendError(logger, req, res, err);
  };
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found', `no route for ${req.method} ${req.path}`));
}
