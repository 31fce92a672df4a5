import { Redis } from 'ioredis';

/**
 * Producers fail fast (no offline queue, few retries): with Redis down, an API call that enqueues
 * answers a retriable error at once and the run stays pending in PostgreSQL. Workers block on Redis
 * and must never give up a command (`maxRetriesPerRequest: null`, BullMQ's requirement).
 */
export function createRedis(url: string, role: 'producer' | 'worker' | 'admin'): Redis {
  return new Redis(url, {
    connectionName: `juntos-hub:${role}`,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 2_000,
    // Keep reconnecting in the background (capped at 2 s) so the hub recovers when Redis returns.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  });
}

export class RedisPolicyError extends Error {}

/**
 * BullMQ loses jobs if Redis may evict keys. Refuse to run against a Redis whose
 * maxmemory-policy is not `noeviction` (managed services that hide CONFIG still report it in INFO).
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  let policy: string | undefined;
  try {
    const res = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    policy = res?.[1];
  } catch {
    const info = await redis.info('memory');
    policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  }
  if (policy !== 'noeviction') {
    throw new RedisPolicyError(
      `Redis maxmemory-policy is "${policy ?? 'unknown'}": BullMQ requires "noeviction" or queued jobs may be silently evicted. ` +
        'Set `maxmemory-policy noeviction` in redis.conf (or CONFIG SET maxmemory-policy noeviction) and start again.',
    );
  }
}
