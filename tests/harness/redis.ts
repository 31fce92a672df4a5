import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './env';
import { freePort, waitFor } from './processes';

export const uniquePrefix = (name: string) => `ops${name}${randomBytes(4).toString('hex')}`;

/** Deletes every key of a queue prefix on the shared Redis (never FLUSHALL: other files use it). */
export async function dropPrefix(prefix: string, url = TEST_REDIS_URL) {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/**
 * A private redis-server (no persistence: a restart loses everything, like a crash of a Redis
 * without AOF) for fault injection; the shared Redis on 6379 is never touched.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  start(extraArgs?: string[]): Promise<void>;
  stop(): Promise<void>;
  flushAll(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const api: PrivateRedis = {
    url,
    port,
    async start(extraArgs = []) {
      proc = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
          '--maxmemory-policy',
          'noeviction',
          ...extraArgs,
        ],
        {
          stdio: 'ignore',
        },
      );
      await waitFor(
        'private redis',
        async () => {
          const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
          r.on('error', () => {});
          try {
            await r.connect();
            return (await r.ping()) === 'PONG';
          } finally {
            r.disconnect();
          }
        },
        10_000,
        50,
      );
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const gone = new Promise((r) => p.on('exit', r));
      p.kill('SIGKILL');
      await gone;
    },
    async flushAll() {
      const r = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await r.flushall();
      } finally {
        r.disconnect();
      }
    },
  };
  return api;
}
