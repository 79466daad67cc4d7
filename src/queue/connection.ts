/** Redis connection options for BullMQ from a redis:// URL. */
import type { RedisOptions } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` (a blocking worker command must wait through a reconnect, not
 * fail), and ioredis reconnects forever with the backoff below.
 */
export function redisOptions(url: string) {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect quickly after a Redis restart: 200 ms, doubling, capped at 5 s.
    retryStrategy: (times: number) => Math.min(200 * 2 ** Math.min(times, 5), 5000),
  } satisfies RedisOptions;
}
