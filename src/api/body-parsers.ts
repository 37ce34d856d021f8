import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Config } from '../../config/index.js';
import { AppError } from '../utils/app-error.js';

/**
 * The deepest nesting of `[` and `{` in a JSON (or YAML flow) text, counted
 * outside strings in one pass, so a body nested deeper than the limit is
 * refused before a parser recurses into it.
 */
export function nestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** Throws a 400 naming api.max_body_depth when `text` nests deeper than `limit`. */
export function checkBodyDepth(text: string, limit: number): void {
  if (nestingDepth(text, limit) > limit) {
    throw new AppError('bad_request', `the request body nests deeper than the limit of ${limit} levels (api.max_body_depth)`);
  }
}

/** Throws the same 400 when a parsed value (YAML block style) nests deeper than `limit`; iterative, so no recursion limit applies. */
export function checkValueDepth(value: unknown, limit: number): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > limit) throw new AppError('bad_request', `the request body nests deeper than the limit of ${limit} levels (api.max_body_depth)`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
}

/**
 * Throws a 400 when the request carries no body at all (no Content-Length
 * or 0, not chunked): body parsers skip such a request, so without this
 * check an empty body would be reported as the wrong content type.
 */
export function requireBody(req: IncomingMessage, expected: string): void {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
    throw new AppError('bad_request', `the request has no body: send ${expected}`);
  }
}

/**
 * The JSON body parser, used only after a route's auth check passed
 * (requireRole), never app-wide: an unauthenticated request's body is never
 * read. Limited to api.json_limit bytes and api.max_body_depth levels.
 */
export function jsonBody(config: Config): RequestHandler {
  const depth = config.api.maxBodyDepth;
  return express.json({
    limit: config.api.jsonLimit,
    verify: (_req: IncomingMessage, _res: ServerResponse, buf: Buffer) => checkBodyDepth(buf.toString('utf8'), depth),
  });
}
