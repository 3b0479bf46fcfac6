// The in-memory store, for sandbox mode and quick starts only: same semantics as Redis, in one process.
import * as check from './checks';
import { INDEX_RETENTION_MS } from './retention';
import type { Clock } from '../lib/clock';
import { decodeClaim, encodeClaim } from './claim-codec';
import { DuplicateOnboardingError } from './errors';
import { appendHistory, encodeHistoryEntry } from './history-codec';
import { storeKeys, type StoreKeys } from './keys';
import {
  compareNewestFirst,
  comesAfter,
  createdScore,
  decodeCursor,
  encodeCursor,
  type IndexPosition,
} from './list-cursor';
import {
  applyChanges,
  completionChanges,
  decodeRecord,
  encodeEventRef,
  encodeLastError,
  encodeRecord,
  isLinkOf,
  updateChanges,
  type HashFields,
} from './record-codec';
import type { EventRef, OnboardingRecord, OnboardingStore } from './store';

interface Expiring<T> {
  value: T;
  /** ms since the epoch, by the injected clock */
  expiresAt: number;
}

export interface MemoryOnboardingStore extends OnboardingStore {
  /** Seconds until the record expires (rounded up), or null when there is none: for tests. */
  ttlSecondsOf(onboardingId: string): number | null;
  /** The live record's stored fields (the memory history edits them in place), if it exists. */
  storedFields(onboardingId: string): HashFields | undefined;
}

/**
 * Keeps entries as the Redis store does (records as encoded hash fields, so both read back the same),
 * with TTLs measured by the injected clock. Every method runs to completion without awaiting, so each
 * call is atomic: JavaScript runs one of them at a time.
 */
export function createMemoryOnboardingStore(clock: Clock): MemoryOnboardingStore {
  // Keys are built and checked exactly as in Redis, so unsafe ids fail the same way.
  const keys: StoreKeys = storeKeys();
  const records = new Map<string, Expiring<HashFields>>();
  const claims = new Map<string, Expiring<string>>();
  const index = new Map<string, number>();

  /** Appends the event (if any) to the record's events, as the scripts do. */
  function addEvent(fields: HashFields, encoded: string | null): void {
    if (encoded === null) return;
    fields.events = fields.events === undefined ? encoded : `${fields.events},${encoded}`;
  }

  /** Pending → another status with these fields and a new TTL (the cancel and expire scripts' common part). */
  function endPending(
    onboardingId: string,
    set: Record<string, string>,
    ttlSeconds: number,
  ):
    | { stored: Expiring<HashFields> }
    | { outcome: 'not_found' }
    | { outcome: 'not_pending'; record: OnboardingRecord } {
    check.ttlSeconds('ttlSeconds', ttlSeconds);
    const stored = live(records, keys.record(onboardingId));
    const record = stored && decodeRecord(stored.value);
    if (!stored || !record) return { outcome: 'not_found' };
    if (record.status !== 'pending') return { outcome: 'not_pending', record };
    applyChanges(stored.value, { set, remove: [] });
    stored.expiresAt = expiry(ttlSeconds);
    return { stored };
  }

  function encodedEvent(event: EventRef | null): string | null {
    return event === null ? null : encodeEventRef(event);
  }

  function readRecord(onboardingId: string): OnboardingRecord | null {
    const stored = live(records, keys.record(onboardingId));
    return stored ? decodeRecord({ ...stored.value }) : null;
  }

  /** The entry if it has not expired; an expired one is dropped, as Redis does on access. */
  function live<T>(map: Map<string, Expiring<T>>, key: string): Expiring<T> | undefined {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= clock.now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  function expiry(ttlSeconds: number): number {
    return clock.now() + ttlSeconds * 1000;
  }

  /** Drops what has expired, as Redis would, so a long-running sandbox does not grow forever. */
  function sweepExpired(): void {
    const now = clock.now();
    for (const map of [records, claims] as Map<string, Expiring<unknown>>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
    const oldest = now - INDEX_RETENTION_MS;
    for (const [id, score] of index) if (score < oldest) index.delete(id);
  }

  return {
    async createOnboarding(record, pendingTtlSeconds) {
      const key = keys.record(record.onboarding_id);
      check.ttlSeconds('pendingTtlSeconds', pendingTtlSeconds);
      const score = createdScore(record.created_time);
      sweepExpired();
      if (live(records, key)) throw new DuplicateOnboardingError(record.onboarding_id);
      index.set(record.onboarding_id, score);
      records.set(key, { value: encodeRecord(record), expiresAt: expiry(pendingTtlSeconds) });
    },

    async getOnboarding(onboardingId) {
      return readRecord(onboardingId);
    },

    async listOnboardings(query) {
      const limit = check.listLimit(query.limit);
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      const entries: IndexPosition[] = [...index]
        .map(([onboardingId, score]) => ({ onboardingId, score }))
        .filter((entry) => after === null || comesAfter(entry, after))
        .sort(compareNewestFirst);
      const items: OnboardingRecord[] = [];
      let last: IndexPosition | null = null;
      for (const entry of entries) {
        const record = readRecord(entry.onboardingId);
        if (record === null) {
          index.delete(entry.onboardingId);
          continue;
        }
        if (query.status !== undefined && record.status !== query.status) continue;
        if (items.length === limit) return { items, nextCursor: last && encodeCursor(last) };
        items.push(record);
        last = entry;
      }
      return { items, nextCursor: null };
    },

    async completeOnboarding(onboardingId, completion, event, completedTtlSeconds) {
      const key = keys.record(onboardingId);
      check.ttlSeconds('completedTtlSeconds', completedTtlSeconds);
      const encoded = encodedEvent(event);
      const entry = encodeHistoryEntry({
        type: 'completed',
        time: completion.completed_time,
        completed_via: completion.completed_via,
        link_id: completion.link_id,
      });
      const stored = live(records, key);
      const record = stored && decodeRecord(stored.value);
      if (!stored || !record) return { outcome: 'not_found' };
      if (record.status === 'completed' && record.link_id === completion.link_id) {
        return { outcome: 'already_completed', record };
      }
      // A link that is none of its own is left alone: the callback checks membership first.
      if (record.status !== 'pending' || !isLinkOf(stored.value, completion.link_id)) {
        return { outcome: 'not_pending', record };
      }
      applyChanges(stored.value, completionChanges(completion));
      addEvent(stored.value, encoded);
      appendHistory(stored.value, [entry]);
      stored.expiresAt = expiry(completedTtlSeconds);
      return { outcome: 'completed', record: readRecord(onboardingId) as OnboardingRecord };
    },

    async updateOnboarding(onboardingId, expectedRev, changes, pendingOnly) {
      const key = keys.record(onboardingId);
      check.revision(expectedRev);
      const fields = updateChanges(changes);
      const stored = live(records, key);
      const record = stored && decodeRecord(stored.value);
      if (!stored || !record) return { outcome: 'not_found' };
      if (record.rev !== expectedRev) return { outcome: 'conflict' };
      if (pendingOnly && record.status !== 'pending') return { outcome: 'not_pending', record };
      applyChanges(stored.value, fields);
      stored.value.rev = String(record.rev + 1);
      return { outcome: 'updated', record: readRecord(onboardingId) as OnboardingRecord };
    },

    async recordFailure(onboardingId, error) {
      const entry = encodeHistoryEntry({
        type: 'callback_failed',
        time: error.time,
        code: error.code,
      });
      const stored = live(records, keys.record(onboardingId));
      if (!stored) return;
      appendHistory(stored.value, [entry]);
      if (stored.value.status === 'pending') stored.value.last_error = encodeLastError(error);
    },

    async cancelOnboarding(onboardingId, time, ttlSeconds) {
      const entry = encodeHistoryEntry({ type: 'cancelled', time });
      const ended = endPending(
        onboardingId,
        { status: 'cancelled', cancelled_time: time },
        ttlSeconds,
      );
      if ('outcome' in ended) return ended;
      appendHistory(ended.stored.value, [entry]);
      return { outcome: 'cancelled', record: readRecord(onboardingId) as OnboardingRecord };
    },

    async expireOnboarding(onboardingId, time, event, ttlSeconds) {
      const encoded = encodedEvent(event);
      const entry = encodeHistoryEntry({ type: 'expired', time });
      const ended = endPending(onboardingId, { status: 'expired', expired_time: time }, ttlSeconds);
      if ('outcome' in ended) return ended;
      addEvent(ended.stored.value, encoded);
      appendHistory(ended.stored.value, [entry]);
      return { outcome: 'expired', record: readRecord(onboardingId) as OnboardingRecord };
    },

    async claimIdempotencyKey(claim) {
      const key = keys.idempotency(claim.key);
      check.ttlSeconds('ttlSeconds', claim.ttlSeconds);
      const existing = live(claims, key);
      if (existing) return { outcome: 'exists', ...decodeClaim(existing.value) };
      claims.set(key, {
        value: encodeClaim(claim.onboardingId, claim.fingerprint),
        expiresAt: expiry(claim.ttlSeconds),
      });
      return { outcome: 'claimed' };
    },

    async releaseIdempotencyKey(key, onboardingId) {
      const claimKey = keys.idempotency(key);
      const existing = live(claims, claimKey);
      if (existing && decodeClaim(existing.value).onboardingId === onboardingId) {
        claims.delete(claimKey);
      }
    },

    async readOutbox(onboardingId) {
      keys.outbox(onboardingId);
      // Only the previous release wrote outboxes, and memory keeps nothing from one run to the next.
      return [];
    },

    storedFields(onboardingId) {
      return live(records, keys.record(onboardingId))?.value;
    },

    ttlSecondsOf(onboardingId) {
      const stored = live(records, keys.record(onboardingId));
      return stored ? Math.ceil((stored.expiresAt - clock.now()) / 1000) : null;
    },
  };
}
