import { Redis } from 'ioredis';

/** A Redis connection for BullMQ: workers need maxRetriesPerRequest null. */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, enableReadyCheck: true });
}
