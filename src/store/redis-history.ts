// Onboarding histories in Redis: two fields of each onboarding's record hash (history-codec.ts), appended
// by one script that never re-creates a record that is gone.
import * as check from './checks';
import {
  decodeHistory,
  encodeHistoryEntry,
  HISTORY_FIELD,
  HISTORY_OMITTED_FIELD,
} from './history-codec';
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
      const [status, history, omitted] = await redis.hmget(
        key,
        'status',
        HISTORY_FIELD,
        HISTORY_OMITTED_FIELD,
      );
      return status === null ? null : decodeHistory(history, omitted);
    },
  };
}
