import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A connection BullMQ and our pub/sub take: one Redis, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisSettings {
  /** `redis://[user:pass@]host:port[/db]`; for a cluster, seed nodes separated by commas: `redis://h1:7000,h2:7001` */
  url: string;
  /** the URL names a Redis Cluster */
  cluster: boolean;
}

/** A Redis connection for BullMQ: workers need maxRetriesPerRequest null. */
export function createRedis(settings: RedisSettings, name: string): RedisClient {
  const options: RedisOptions = { maxRetriesPerRequest: null, connectionName: name, enableReadyCheck: true };
  if (!settings.cluster) return new Redis(settings.url, options);
  const { seeds, username, password, tls } = parseClusterUrl(settings.url);
  return new Cluster(seeds, { redisOptions: { ...options, username, password, ...(tls ? { tls: {} } : {}) } });
}

/** Seed nodes and credentials of a cluster URL (`redis://[user:pass@]h1:p1,h2:p2`). */
export function parseClusterUrl(url: string): { seeds: Array<{ host: string; port: number }>; username?: string; password?: string; tls: boolean } {
  const m = /^(rediss?):\/\/(?:([^@/]*)@)?([^/?]+)/.exec(url);
  if (!m) throw new Error(`redis.url: '${url}' is not a redis:// URL`);
  const [, scheme, auth, hosts] = m;
  const seeds = hosts.split(',').map((h) => {
    const at = h.lastIndexOf(':');
    const host = (at > 0 ? h.slice(0, at) : h).replace(/^\[|\]$/g, '');
    const port = at > 0 ? Number(h.slice(at + 1)) : 6379;
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`redis.url: '${h}' is not host:port`);
    return { host, port };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    username = colon >= 0 ? decodeURIComponent(auth.slice(0, colon)) || undefined : undefined;
    password = decodeURIComponent(colon >= 0 ? auth.slice(colon + 1) : auth) || undefined;
  }
  return { seeds, username, password, tls: scheme === 'rediss' };
}
