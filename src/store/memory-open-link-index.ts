// The open-link index in memory, for sandbox mode: the Redis index's semantics, one call at a time.
import * as check from './checks';
import { linkEntry, linkMember } from './open-link-member';
import type { OpenLinkIndex } from './store';

export function createMemoryOpenLinkIndex(): OpenLinkIndex {
  const sentAt = new Map<string, number>();
  let fullUntilMs = 0;

  /** Ties by member, as a Redis sorted set orders members of equal score. */
  function oldestFirst(): [string, number][] {
    return [...sentAt].sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0));
  }

  return {
    async track(onboardingId, linkId, sentMs) {
      const member = linkMember(onboardingId, linkId);
      sentAt.set(member, check.timeMs('sentMs', sentMs));
    },

    async untrack(links) {
      const members = links.map((link) => linkMember(link.onboardingId, link.linkId));
      let removed = 0;
      for (const member of members) if (sentAt.delete(member)) removed++;
      if (removed > 0) fullUntilMs = 0;
    },

    async oldest(max) {
      return oldestFirst()
        .slice(0, check.claimMax(max))
        .map(([member, sentMs]) => linkEntry(member, sentMs));
    },

    async claimForRecycle(onboardingId, linkId, notAfterMs) {
      const member = linkMember(onboardingId, linkId);
      check.timeMs('notAfterMs', notAfterMs);
      const sentMs = sentAt.get(member);
      if (sentMs === undefined || sentMs > notAfterMs) return false;
      sentAt.delete(member);
      return true;
    },

    async count() {
      return sentAt.size;
    },

    async markFull(untilMs) {
      fullUntilMs = check.timeMs('untilMs', untilMs);
    },

    async fullUntil() {
      return fullUntilMs;
    },
  };
}
