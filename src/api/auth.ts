import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Config, Role } from '../../config/index.js';
import { AppError } from '../utils/app-error.js';
import { jsonBody } from './body-parsers.js';
import { guardedBy } from './route-table.js';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The key a request carries: `Authorization: Bearer KEY` or `X-API-Key: KEY`. */
function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const key = headers['x-api-key'];
  return Array.isArray(key) ? key[0] : key;
}

function roleOf(config: Config, key: string | undefined): Role | undefined {
  if (!key) return undefined;
  return config.api.apiKeys.find((k) => safeEqual(k.key, key))?.role;
}

/** True when API keys are configured; without them the API is open. */
export function authEnabled(config: Config): boolean {
  return config.api.apiKeys.length > 0;
}

/**
 * Who made a request, for audit trails (alias history): the key's role and a
 * fingerprint of the key (`operator:3fa2c1d0`, never the key itself), or
 * 'anonymous' when the request carries no valid key.
 */
export function callerOf(config: Config, req: Request): { who: string; role: Role | null } {
  const key = presentedKey(req.headers);
  const role = roleOf(config, key);
  if (!key || !role) return { who: 'anonymous', role: null };
  return { who: `${role}:${createHash('sha256').update(key).digest('hex').slice(0, 8)}`, role };
}

/** True when the request may act as `role`: always on an open API, else by its key's rank. */
export function hasRole(config: Config, req: Request, role: Role): boolean {
  if (!authEnabled(config)) return true;
  const has = roleOf(config, presentedKey(req.headers));
  return has !== undefined && RANK[has] >= RANK[role];
}

/** Why a request with these headers may not act as `role` (401 or 403), or null when it may. */
export function roleError(config: Config, headers: IncomingHttpHeaders, role: Role): AppError | null {
  if (!authEnabled(config)) return null;
  const key = presentedKey(headers);
  if (!key) return new AppError('unauthorized', 'missing API key: send Authorization: Bearer <key> or X-API-Key');
  const has = roleOf(config, key);
  if (!has) return new AppError('unauthorized', 'invalid API key');
  if (RANK[has] < RANK[role]) return new AppError('forbidden', `this endpoint needs the ${role} role; the key has ${has}`);
  return null;
}

/**
 * Requires at least `role` when keys are configured, then reads a JSON body
 * (api.json_limit, api.max_body_depth). Auth comes first: a request that may
 * not act as `role` is refused before a byte of its body is parsed.
 */
export function requireRole(config: Config, role: Role) {
  const json = jsonBody(config);
  return guardedBy((req: Request, res: Response, next: NextFunction): void => {
    const denied = roleError(config, req.headers, role);
    if (denied) {
      req.resume();
      return next(denied);
    }
    json(req, res, next);
  }, role);
}

/**
 * GET /metrics's guard when `api.metrics_key` is set: that key (for the
 * scraper: `Authorization: Bearer KEY` or `X-API-Key`) or any API key. Unset,
 * /metrics is open and this returns null (nothing to mount).
 */
export function requireMetricsKey(config: Config) {
  const metricsKey = config.api.metricsKey;
  if (!metricsKey) return null;
  return guardedBy((req: Request, _res: Response, next: NextFunction): void => {
    const key = presentedKey(req.headers);
    if (key && (safeEqual(key, metricsKey) || roleOf(config, key) !== undefined)) return next();
    next(new AppError('unauthorized', key ? 'invalid metrics key' : 'GET /metrics needs the metrics key (api.metrics_key): send Authorization: Bearer <key>'));
  }, 'viewer');
}

/**
 * Bull Board's guard: an admin API key (header, or as the basic-auth
 * password), or the configured Bull Board user and password. Browsers get a
 * basic-auth prompt.
 */
export function requireBoardAccess(config: Config) {
  return guardedBy((req: Request, res: Response, next: NextFunction): void => {
    if (!authEnabled(config) && !config.api.bullBoard.password) return next();
    if (roleOf(config, presentedKey(req.headers)) === 'admin') return next();
    const header = req.get('authorization');
    if (header?.toLowerCase().startsWith('basic ')) {
      const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      const password = rest.join(':');
      const board = config.api.bullBoard;
      if (roleOf(config, password) === 'admin') return next();
      if (board.user && board.password && safeEqual(user, board.user) && safeEqual(password, board.password)) return next();
    }
    res.set('WWW-Authenticate', 'Basic realm="trainyard"');
    next(new AppError('unauthorized', 'Bull Board needs an admin API key or the Bull Board credentials'));
  }, 'admin');
}
