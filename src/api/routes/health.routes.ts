import { Router } from 'express';
import type { ApiDeps } from '../deps.js';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);
}

/** Liveness and readiness (503 while Redis or MongoDB is down). */
export function healthRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([
      withTimeout(deps.redis.ping(), 1000),
      withTimeout(deps.db.conn.db!.admin().ping(), 1000),
    ]);
    const [redis, mongo] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : `down: ${(c.reason as Error).message}`));
    const ready = checks.every((c) => c.status === 'fulfilled');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', redis, mongodb: mongo });
  });
  return router;
}
