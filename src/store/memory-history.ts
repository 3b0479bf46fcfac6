// Onboarding histories in memory, for sandbox mode: the same two fields of each stored record as in
// Redis, edited in place, one call at a time.
import * as check from './checks';
import { appendHistory, decodeHistory, encodeHistoryEntry } from './history-codec';
import type { MemoryOnboardingStore } from './memory-onboarding-store';
import type { OnboardingHistory } from './store';

export function createMemoryHistory(
  onboardings: Pick<MemoryOnboardingStore, 'storedFields'>,
): OnboardingHistory {
  return {
    async append(onboardingId, entries) {
      const encoded = entries.map(encodeHistoryEntry);
      const fields = onboardings.storedFields(check.onboardingId(onboardingId));
      if (!fields) return false;
      appendHistory(fields, encoded);
      return true;
    },

    async read(onboardingId) {
      const fields = onboardings.storedFields(check.onboardingId(onboardingId));
      return fields ? decodeHistory(fields) : null;
    },
  };
}
