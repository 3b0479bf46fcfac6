// Redis-side figures: INFO memory, MEMORY USAGE of an onboarding's keys and of the shared ones, and status
// counts.
import type Redis from 'ioredis';
import { storeKeys } from '../src/store/keys';

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/** Mean MEMORY USAGE (exact: SAMPLES 0) of the keys that exist; 0 when none does. */
export async function meanKeyBytes(redis: Redis, keys: readonly string[]): Promise<number> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
  const replies = (await pipeline.exec()) ?? [];
  const sizes = replies.map(([, v]) => v).filter((v): v is number => typeof v === 'number');
  return sizes.length === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) / sizes.length;
}

async function bytesOf(redis: Redis, keys: readonly string[]): Promise<number> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
  const replies = (await pipeline.exec()) ?? [];
  return replies.reduce((sum, [, v]) => sum + (typeof v === 'number' ? v : 0), 0);
}

/** The events feed's keys among the `{webhooks}` ones: the feed, each event's deliveries, the counter. */
const FEED_KEYS: ReadonlySet<string> = new Set(['feed', 'log', 'queued']);

function webhookKeys(prefix: string, feed: boolean): string[] {
  return Object.entries(storeKeys(prefix).webhooks())
    .filter(([name]) => FEED_KEYS.has(name) === feed)
    .map(([, key]) => key);
}

/** Sum of MEMORY USAGE of the shared webhook queue keys. */
export async function webhookQueueBytes(redis: Redis, prefix: string): Promise<number> {
  return bytesOf(redis, webhookKeys(prefix, false));
}

/** Sum of MEMORY USAGE of the events feed and its deliveries (each event's attempts). */
export async function eventFeedBytes(redis: Redis, prefix: string): Promise<number> {
  return bytesOf(redis, webhookKeys(prefix, true));
}

/** Mean length of a hash field over these keys (HSTRLEN; 0 where it is absent). */
export async function meanFieldLength(
  redis: Redis,
  keys: readonly string[],
  field: string,
): Promise<number> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hstrlen(key, field);
  const replies = (await pipeline.exec()) ?? [];
  const lengths = replies.map(([, v]) => (typeof v === 'number' ? v : 0));
  return lengths.length === 0 ? 0 : lengths.reduce((a, b) => a + b, 0) / lengths.length;
}

/** How many of these onboardings the store has in each status. */
export async function countStatuses(
  redis: Redis,
  prefix: string,
  onboardingIds: readonly string[],
): Promise<Record<string, number>> {
  const keys = storeKeys(prefix);
  const counts: Record<string, number> = {};
  for (let start = 0; start < onboardingIds.length; start += 5000) {
    const pipeline = redis.pipeline();
    for (const id of onboardingIds.slice(start, start + 5000))
      pipeline.hget(keys.record(id), 'status');
    for (const [, status] of (await pipeline.exec()) ?? []) {
      const name = typeof status === 'string' ? status : 'missing';
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  return counts;
}

/** Removes this run's keys from a Redis the bench did not start. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
