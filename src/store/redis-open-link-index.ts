// The open-link index in Redis: one sorted set under its own `{links}` hash tag, scored by sentMs.
import * as check from './checks';
import { linkEntry, linkMember } from './open-link-member';
import type { RedisClient } from './scripts';
import type { OpenLinkIndex } from './store';

/**
 * KEYS: the open-link set. ARGV: member, notAfterMs → 1 taken out, 0 absent or sent later. One script,
 * so of concurrent claimers exactly one sees the member and removes it.
 */
const CLAIM_FOR_RECYCLE = `
local sent = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not sent or tonumber(sent) > tonumber(ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`;

/** KEYS: the open-link set, the full mark. ARGV: members → how many were removed (the mark then goes). */
const UNTRACK = `
local removed = redis.call('ZREM', KEYS[1], unpack(ARGV))
if removed > 0 then redis.call('DEL', KEYS[2]) end
return removed
`;

type ScriptCommands = {
  llrUntrackLinks(key: string, fullKey: string, ...members: string[]): Promise<number>;
  llrClaimLinkForRecycle(key: string, member: string, notAfterMs: number): Promise<number>;
};

/** The full mark's own lifetime: a stale one never blocks for long, whatever clock wrote it. */
const FULL_MARK_TTL_MS = 120_000;

export function createRedisOpenLinkIndex(redis: RedisClient, key: string): OpenLinkIndex {
  // Same hash tag as the set: one slot, so untrack can drop the mark in the same script.
  const fullKey = `${key}:full`;
  redis.defineCommand('llrClaimLinkForRecycle', { numberOfKeys: 1, lua: CLAIM_FOR_RECYCLE });
  redis.defineCommand('llrUntrackLinks', { numberOfKeys: 2, lua: UNTRACK });
  const run = redis as unknown as ScriptCommands;

  return {
    async track(onboardingId, linkId, sentMs) {
      const member = linkMember(onboardingId, linkId);
      await redis.zadd(key, check.timeMs('sentMs', sentMs), member);
    },

    async untrack(links) {
      const members = links.map((link) => linkMember(link.onboardingId, link.linkId));
      if (members.length === 0) return;
      // One script, the mark dropped only when a link did leave: one call on every completion.
      await run.llrUntrackLinks(key, fullKey, ...members);
    },

    async oldest(max) {
      const flat = await redis.zrange(key, 0, check.claimMax(max) - 1, 'WITHSCORES');
      const entries = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        entries.push(linkEntry(flat[i] as string, Number(flat[i + 1])));
      }
      return entries;
    },

    async claimForRecycle(onboardingId, linkId, notAfterMs) {
      const member = linkMember(onboardingId, linkId);
      const taken = await run.llrClaimLinkForRecycle(
        key,
        member,
        check.timeMs('notAfterMs', notAfterMs),
      );
      return taken === 1;
    },

    count() {
      return redis.zcard(key);
    },

    async markFull(untilMs) {
      await redis.set(fullKey, String(check.timeMs('untilMs', untilMs)), 'PX', FULL_MARK_TTL_MS);
    },

    async fullUntil() {
      const value = await redis.get(fullKey);
      return value === null ? 0 : Number(value);
    },
  };
}
