// Onboardings in Redis: records as hashes with a TTL, a created-time index, and every change one Lua script.
import * as check from './checks';
import { INDEX_RETENTION_MS } from './retention';
import type { Clock } from '../lib/clock';
import { claimPrefix, decodeClaim, decodeOutboxEvent, encodeClaim } from './claim-codec';
import { DuplicateOnboardingError } from './errors';
import { encodeHistoryEntry } from './history-codec';
import type { StoreKeys } from './keys';
import { createdScore, decodeCursor, encodeCursor } from './list-cursor';
import {
  completionChanges,
  decodeRecord,
  encodeEventRef,
  encodeLastError,
  encodeRecord,
  fieldsToPairs,
  pairsToFields,
  updateChanges,
} from './record-codec';
import type { OutcomeReply, RedisClient, StoreScripts } from './scripts';
import type {
  CancelResult,
  CompleteResult,
  ExpireResult,
  OnboardingRecord,
  OnboardingStore,
  UpdateResult,
} from './store';

/** A filtered list reads at most this many index batches per call, then hands back a cursor. */
const MAX_BATCHES_PER_LIST = 20;
/**
 * createOnboarding adds the index entry before the record, so a fresh entry without a record may be a
 * creation in flight: only entries older than this are dropped from the index when their record is gone.
 */
const ORPHAN_GRACE_MS = 10 * 60 * 1000;

export function createRedisOnboardingStore(
  redis: RedisClient,
  keys: StoreKeys,
  scripts: StoreScripts,
  clock: Clock,
): OnboardingStore {
  async function readRecord(onboardingId: string): Promise<OnboardingRecord | null> {
    return decodeRecord(await redis.hgetall(keys.record(onboardingId)));
  }

  /**
   * One HGETALL per id, all sent before any answer arrives (pipelined on the socket). Not a
   * `pipeline()`: on Cluster that requires one slot, and these records live on many.
   */
  function readRecords(ids: string[]): Promise<(OnboardingRecord | null)[]> {
    return Promise.all(ids.map(readRecord));
  }

  return {
    async createOnboarding(record, pendingTtlSeconds) {
      const recordKey = keys.record(record.onboarding_id);
      check.ttlSeconds('pendingTtlSeconds', pendingTtlSeconds);
      const score = createdScore(record.created_time);
      // The index lives in another slot, so it is a separate step, and it goes first: a record is
      // then never unlisted, and an entry whose record never came is skipped by readers.
      const indexKey = keys.index();
      const indexed = await redis
        .multi()
        .zadd(indexKey, score, record.onboarding_id)
        .zremrangebyscore(indexKey, '-inf', `(${clock.now() - INDEX_RETENTION_MS}`)
        .exec();
      const failed = indexed?.find(([err]) => err !== null);
      if (failed) throw failed[0];
      const pairs = fieldsToPairs(encodeRecord(record));
      const created = await scripts.createOnboarding(recordKey, pendingTtlSeconds, pairs);
      if (created !== 1) throw new DuplicateOnboardingError(record.onboarding_id);
    },

    async getOnboarding(onboardingId) {
      return readRecord(onboardingId);
    },

    async listOnboardings(query) {
      const limit = check.listLimit(query.limit);
      let position = query.cursor === undefined ? null : decodeCursor(query.cursor);
      // Unfiltered, one entry of lookahead says whether there is a next page; filtered, read wider.
      const batchSize = query.status === undefined ? limit + 1 : Math.min(limit * 5, 500);
      const items: OnboardingRecord[] = [];
      const orphans: string[] = [];
      let exhausted = false;
      for (let batch = 0; batch < MAX_BATCHES_PER_LIST && items.length < limit; batch++) {
        const entries = await scripts.indexPage(keys.index(), position, batchSize);
        exhausted = entries.length < batchSize;
        const records = await readRecords(entries.map((e) => e.onboardingId));
        let consumed = 0;
        for (const [i, entry] of entries.entries()) {
          if (items.length === limit) break;
          consumed++;
          position = entry;
          const record = records[i];
          if (!record) {
            if (entry.score < clock.now() - ORPHAN_GRACE_MS) orphans.push(entry.onboardingId);
          } else if (query.status === undefined || record.status === query.status) {
            items.push(record);
          }
        }
        if (consumed < entries.length) exhausted = false;
        if (exhausted) break;
      }
      if (orphans.length > 0) await redis.zrem(keys.index(), ...orphans);
      return { items, nextCursor: exhausted || position === null ? null : encodeCursor(position) };
    },

    async completeOnboarding(onboardingId, completion, event, completedTtlSeconds) {
      const recordKey = keys.record(onboardingId);
      check.ttlSeconds('completedTtlSeconds', completedTtlSeconds);
      const changes = completionChanges(completion);
      const reply = await scripts.completeOnboarding(recordKey, {
        linkId: completion.link_id,
        ttl: completedTtlSeconds,
        event: event === null ? '' : encodeEventRef(event),
        history: encodeHistoryEntry({
          type: 'completed',
          time: completion.completed_time,
          completed_via: completion.completed_via,
          link_id: completion.link_id,
        }),
        set: fieldsToPairs(changes.set),
        remove: changes.remove,
      });
      return outcomeWithRecord(reply) as CompleteResult;
    },

    async updateOnboarding(onboardingId, expectedRev, changes, pendingOnly) {
      const recordKey = keys.record(onboardingId);
      check.revision(expectedRev);
      const fields = updateChanges(changes);
      const reply = await scripts.updateOnboarding(recordKey, {
        expectedRev,
        pendingOnly,
        set: fieldsToPairs(fields.set),
        remove: fields.remove,
      });
      return outcomeWithRecord(reply) as UpdateResult;
    },

    async recordFailure(onboardingId, error) {
      const entry = encodeHistoryEntry({
        type: 'callback_failed',
        time: error.time,
        code: error.code,
      });
      await scripts.recordFailure(keys.record(onboardingId), encodeLastError(error), entry);
    },

    async cancelOnboarding(onboardingId, time, ttlSeconds) {
      const recordKey = keys.record(onboardingId);
      check.ttlSeconds('ttlSeconds', ttlSeconds);
      const entry = encodeHistoryEntry({ type: 'cancelled', time });
      const reply = await scripts.cancelOnboarding(recordKey, time, ttlSeconds, entry);
      return outcomeWithRecord(reply) as CancelResult;
    },

    async expireOnboarding(onboardingId, time, event, ttlSeconds) {
      const recordKey = keys.record(onboardingId);
      check.ttlSeconds('ttlSeconds', ttlSeconds);
      const reply = await scripts.expireOnboarding(recordKey, {
        time,
        ttl: ttlSeconds,
        event: event === null ? '' : encodeEventRef(event),
        history: encodeHistoryEntry({ type: 'expired', time }),
      });
      return outcomeWithRecord(reply) as ExpireResult;
    },

    async claimIdempotencyKey(claim) {
      const key = keys.idempotency(claim.key);
      check.ttlSeconds('ttlSeconds', claim.ttlSeconds);
      const value = encodeClaim(claim.onboardingId, claim.fingerprint);
      // A claim can expire between SET NX and GET; then the next SET NX may win. Two tries suffice.
      for (let attempt = 0; attempt < 3; attempt++) {
        const set = await redis.set(key, value, 'EX', claim.ttlSeconds, 'NX');
        if (set === 'OK') return { outcome: 'claimed' };
        const existing = await redis.get(key);
        if (existing !== null) return { outcome: 'exists', ...decodeClaim(existing) };
      }
      throw new Error('The idempotency claim kept expiring while being read.');
    },

    async releaseIdempotencyKey(key, onboardingId) {
      await scripts.releaseClaim(keys.idempotency(key), claimPrefix(onboardingId));
    },

    async readOutbox(onboardingId) {
      const values = await redis.lrange(keys.outbox(onboardingId), 0, -1);
      return values.map(decodeOutboxEvent);
    },
  };
}

type RecordOutcome = CompleteResult | CancelResult | ExpireResult | UpdateResult;

/** A script's {outcome, HGETALL} as a result; not_found and conflict carry no record. */
function outcomeWithRecord(reply: OutcomeReply): RecordOutcome {
  const [outcome, pairs] = reply;
  if (outcome === 'not_found' || outcome === 'conflict') return { outcome } as RecordOutcome;
  const record = decodeRecord(pairsToFields(pairs ?? []));
  if (record === null) throw new Error(`The store script answered ${outcome} without a record.`);
  return { outcome, record } as RecordOutcome;
}
