// Onboarding histories in Redis: read from each onboarding's record hash (history-codec.ts), appended by
// one script that never re-creates a record that is gone.
import * as check from './checks';
import { decodeHistory, encodeHistoryEntry, HISTORY_READ_FIELDS } from './history-codec';
import type { StoreKeys } from './keys';
import type { RedisClient, StoreScripts } from './scripts';
import type { OnboardingHistory } from './store';

export function createRedisHistory(
  redis: RedisClient,
  keys: StoreKeys,
  scripts: StoreScripts,
): OnboardingHistory {
  return {
    async append(onboardingId, entries) {
      const key = keys.record(check.onboardingId(onboardingId));
      const encoded = entries.map(encodeHistoryEntry);
      if (encoded.length === 0) return (await redis.exists(key)) === 1;
      return (await scripts.appendHistory(key, encoded)) === 1;
    },

    async read(onboardingId) {
      const key = keys.record(check.onboardingId(onboardingId));
      const values = await redis.hmget(key, ...HISTORY_READ_FIELDS);
      return decodeHistory(
        Object.fromEntries(HISTORY_READ_FIELDS.map((name, i) => [name, values[i] ?? null])),
      );
    },
  };
}
