// Storage on the test run's private Redis, under a unique key prefix, cleaned up afterwards.
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../src/lib/clock';
import { createRedisStorage } from '../../src/store/storage';
import type { Storage } from '../../src/store/store';

export interface TestRedisStore {
  storage: Storage;
  redis: Redis;
  prefix: string;
  /** A second connection with the same prefix: another "instance" (its storage via storageOn). */
  anotherConnection(): Redis;
  /** Storage on another instance's own connection. */
  another(): Storage;
  cleanup(): Promise<void>;
}

export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error('REDIS_URL is not set: the jest global setup should have started Redis');
  return url;
}

export function createTestRedisStore(clock: Clock = systemClock): TestRedisStore {
  const prefix = `llrtest${randomBytes(6).toString('hex')}`;
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  const others: Redis[] = [];
  const anotherConnection = () => {
    const other = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    others.push(other);
    return other;
  };
  return {
    storage: createRedisStorage(redis, { prefix, clock, ownsConnection: false }),
    redis,
    prefix,
    anotherConnection,
    another: () =>
      createRedisStorage(anotherConnection(), { prefix, clock, ownsConnection: false }),
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await Promise.all([redis, ...others].map((r) => r.quit()));
    },
  };
}
