// A RedisStore on the test run's private Redis, under a unique key prefix, cleaned up afterwards.
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/lib/clock';
import { RedisStore } from '../../src/store/redis-store';

export interface TestRedisStore {
  store: RedisStore;
  redis: Redis;
  prefix: string;
  /** A second store on its own connection with the same prefix: another "instance". */
  another(): RedisStore;
  cleanup(): Promise<void>;
}

export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error('REDIS_URL is not set: the jest global setup should have started Redis');
  return url;
}

export function createTestRedisStore(clock?: Clock): TestRedisStore {
  const prefix = `llrtest${randomBytes(6).toString('hex')}`;
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  const others: Redis[] = [];
  return {
    store: new RedisStore(redis, { prefix, clock }),
    redis,
    prefix,
    another() {
      const other = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
      others.push(other);
      return new RedisStore(other, { prefix, clock });
    },
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
