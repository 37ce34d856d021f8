import { Redis } from 'ioredis';
import type { ApiDeps } from '../../src/api/deps.js';
import { closeApiDeps } from '../../src/api/server.js';

/**
 * Leaves nothing of a benchmark's cluster behind: its database dropped, its
 * queues obliterated and every Redis key under its prefix deleted.
 */
export async function teardownBenchCluster(deps: ApiDeps | undefined, prefix: string, redisUrl: string): Promise<void> {
  if (deps) {
    // Nothing may write after the drop: the process sampler and the prediction log would recreate the database.
    await deps.sampler?.stop();
    await deps.models.flushLog();
    await deps.db.conn.dropDatabase().catch(() => undefined);
    await Promise.all(deps.queues.all().map((q) => q.obliterate({ force: true }).catch(() => undefined)));
    await closeApiDeps(deps);
  }
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}
