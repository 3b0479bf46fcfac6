// The one factory for Storage: Redis (one node or a Cluster) or, for the sandbox only, memory.
import type { Clock } from '../lib/clock';
import { storeKeys } from './keys';
import { createMemoryOnboardingStore, type MemoryOnboardingStore } from './memory-onboarding-store';
import { createMemoryOpenLinkIndex } from './memory-open-link-index';
import { createMemoryReconcileSchedule } from './memory-reconcile-schedule';
import { createMemoryEventLog } from './memory-event-log';
import { createMemoryHistory } from './memory-history';
import { createMemoryWebhookQueue, newMemoryWebhookState } from './memory-webhook-queue';
import { createRedisOnboardingStore } from './redis-onboarding-store';
import { createRedisOpenLinkIndex } from './redis-open-link-index';
import { createRedisReconcileSchedule } from './redis-reconcile-schedule';
import { createRedisEventLog } from './redis-event-log';
import { createRedisHistory } from './redis-history';
import { createRedisWebhookQueue } from './redis-webhook-queue';
import { defineStoreScripts, type RedisClient } from './scripts';
import type { Storage } from './store';

export const MEMORY_STORAGE_WARNING =
  'IN-MEMORY STORE: for sandbox mode and quick starts only. It loses every onboarding, webhook ' +
  'and idempotency claim on restart and cannot be shared by two instances. Set REDIS_URL for ' +
  'anything real.';

export interface RedisStorageOptions {
  clock: Clock;
  /** Key prefix; default 'llr'. Tests use a unique one. */
  prefix?: string;
  /** close() quits the connection only when the storage owns it. */
  ownsConnection: boolean;
}

/** Every part on the one connection, its scripts defined once. */
export function createRedisStorage(redis: RedisClient, options: RedisStorageOptions): Storage {
  const keys = storeKeys(options.prefix);
  const scripts = defineStoreScripts(redis);
  return {
    onboardings: createRedisOnboardingStore(redis, keys, scripts, options.clock),
    history: createRedisHistory(redis, keys, scripts),
    webhookQueue: createRedisWebhookQueue(redis, keys.webhooks(), scripts.indexPage),
    events: createRedisEventLog(redis, keys.webhooks()),
    reconcileSchedule: createRedisReconcileSchedule(redis, keys.reconcile()),
    openLinks: createRedisOpenLinkIndex(redis, keys.openLinks()),
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      if (options.ownsConnection) await redis.quit();
    },
  };
}

export interface MemoryStorage extends Storage {
  onboardings: MemoryOnboardingStore;
}

/** One process's Maps, with TTLs by the clock: sandbox mode and quick starts only. */
export function createMemoryStorage(clock: Clock): MemoryStorage {
  // The queue and the feed share one state, as their keys share one slot in Redis.
  const webhooks = newMemoryWebhookState();
  const onboardings = createMemoryOnboardingStore(clock);
  return {
    onboardings,
    history: createMemoryHistory(onboardings),
    webhookQueue: createMemoryWebhookQueue(webhooks),
    events: createMemoryEventLog(webhooks),
    reconcileSchedule: createMemoryReconcileSchedule(),
    openLinks: createMemoryOpenLinkIndex(),
    ping: async () => {},
    close: async () => {},
  };
}
