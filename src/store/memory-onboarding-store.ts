// The in-memory store, for sandbox mode and quick starts only: same semantics as Redis, in one process.
import * as check from './checks';
import { INDEX_RETENTION_MS } from './retention';
import type { Clock } from '../lib/clock';
import { decodeClaim, decodeOutboxEvent, encodeClaim, encodeOutboxEvent } from './claim-codec';
import { DuplicateOnboardingError } from './errors';
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
  encodeLastError,
  encodeRecord,
  type HashFields,
} from './record-codec';
import type {
  CancelResult,
  CompleteResult,
  Completion,
  ExpireResult,
  IdempotencyClaim,
  IdempotencyResult,
  LastError,
  ListPage,
  ListQuery,
  OnboardingRecord,
  OnboardingStore,
  OutboxEvent,
} from './store';

interface Expiring<T> {
  value: T;
  /** ms since the epoch, by the injected clock */
  expiresAt: number;
}

/**
 * Keeps entries as the Redis store does (records as encoded hash fields, so both read back the same),
 * with TTLs measured by the injected clock. Every method runs to completion without awaiting, so each
 * call is atomic: JavaScript runs one of them at a time.
 */
export class MemoryOnboardingStore implements OnboardingStore {
  // Keys are built and checked exactly as in Redis, so unsafe ids fail the same way.
  private readonly keys: StoreKeys = storeKeys();
  private readonly records = new Map<string, Expiring<HashFields>>();
  private readonly outboxes = new Map<string, Expiring<string[]>>();
  private readonly claims = new Map<string, Expiring<string>>();
  private readonly index = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async createOnboarding(record: OnboardingRecord, pendingTtlSeconds: number): Promise<void> {
    const key = this.keys.record(record.onboarding_id);
    check.ttlSeconds('pendingTtlSeconds', pendingTtlSeconds);
    const score = createdScore(record.created_time);
    this.sweepExpired();
    if (this.live(this.records, key)) throw new DuplicateOnboardingError(record.onboarding_id);
    this.index.set(record.onboarding_id, score);
    this.records.set(key, {
      value: encodeRecord(record),
      expiresAt: this.expiry(pendingTtlSeconds),
    });
  }

  async getOnboarding(onboardingId: string): Promise<OnboardingRecord | null> {
    return this.readRecord(onboardingId);
  }

  async listOnboardings(query: ListQuery): Promise<ListPage> {
    const limit = check.listLimit(query.limit);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const entries: IndexPosition[] = [...this.index]
      .map(([onboardingId, score]) => ({ onboardingId, score }))
      .filter((entry) => after === null || comesAfter(entry, after))
      .sort(compareNewestFirst);
    const items: OnboardingRecord[] = [];
    let last: IndexPosition | null = null;
    for (const entry of entries) {
      const record = this.readRecord(entry.onboardingId);
      if (record === null) {
        this.index.delete(entry.onboardingId);
        continue;
      }
      if (query.status !== undefined && record.status !== query.status) continue;
      if (items.length === limit) return { items, nextCursor: last && encodeCursor(last) };
      items.push(record);
      last = entry;
    }
    return { items, nextCursor: null };
  }

  async completeOnboarding(
    onboardingId: string,
    completion: Completion,
    event: OutboxEvent | null,
    completedTtlSeconds: number,
  ): Promise<CompleteResult> {
    const key = this.keys.record(onboardingId);
    check.ttlSeconds('completedTtlSeconds', completedTtlSeconds);
    const stored = this.live(this.records, key);
    const record = stored && decodeRecord(stored.value);
    if (!stored || !record) return { outcome: 'not_found' };
    if (record.status === 'completed' && record.link_id === completion.link_id) {
      return { outcome: 'already_completed', record };
    }
    // A pending record bound to another link is left alone: the callback checks the link first.
    if (record.status !== 'pending' || record.link_id !== completion.link_id) {
      return { outcome: 'not_pending', record };
    }
    applyChanges(stored.value, completionChanges(completion));
    stored.expiresAt = this.expiry(completedTtlSeconds);
    this.appendToOutbox(onboardingId, event, stored.expiresAt);
    return { outcome: 'completed', record: this.readRecord(onboardingId) as OnboardingRecord };
  }

  async recordFailure(onboardingId: string, error: LastError): Promise<void> {
    const stored = this.live(this.records, this.keys.record(onboardingId));
    if (stored?.value.status === 'pending') stored.value.last_error = encodeLastError(error);
  }

  async cancelOnboarding(
    onboardingId: string,
    time: string,
    ttlSeconds: number,
  ): Promise<CancelResult> {
    const ended = this.endPending(
      onboardingId,
      { status: 'cancelled', cancelled_time: time },
      ttlSeconds,
    );
    if ('outcome' in ended) return ended;
    return { outcome: 'cancelled', record: this.readRecord(onboardingId) as OnboardingRecord };
  }

  async expireOnboarding(
    onboardingId: string,
    time: string,
    event: OutboxEvent | null,
    ttlSeconds: number,
  ): Promise<ExpireResult> {
    const ended = this.endPending(
      onboardingId,
      { status: 'expired', expired_time: time },
      ttlSeconds,
    );
    if ('outcome' in ended) return ended;
    this.appendToOutbox(onboardingId, event, ended.stored.expiresAt);
    return { outcome: 'expired', record: this.readRecord(onboardingId) as OnboardingRecord };
  }

  async claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyResult> {
    const key = this.keys.idempotency(claim.key);
    check.ttlSeconds('ttlSeconds', claim.ttlSeconds);
    const existing = this.live(this.claims, key);
    if (existing) return { outcome: 'exists', ...decodeClaim(existing.value) };
    this.claims.set(key, {
      value: encodeClaim(claim.onboardingId, claim.fingerprint),
      expiresAt: this.expiry(claim.ttlSeconds),
    });
    return { outcome: 'claimed' };
  }

  async releaseIdempotencyKey(key: string, onboardingId: string): Promise<void> {
    const claimKey = this.keys.idempotency(key);
    const existing = this.live(this.claims, claimKey);
    if (existing && decodeClaim(existing.value).onboardingId === onboardingId) {
      this.claims.delete(claimKey);
    }
  }

  async readOutbox(onboardingId: string): Promise<OutboxEvent[]> {
    const outbox = this.live(this.outboxes, this.keys.outbox(onboardingId));
    return (outbox?.value ?? []).map(decodeOutboxEvent);
  }

  /** Seconds until the record expires (rounded up), or null when there is none: for tests. */
  ttlSecondsOf(onboardingId: string): number | null {
    const stored = this.live(this.records, this.keys.record(onboardingId));
    return stored ? Math.ceil((stored.expiresAt - this.clock.now()) / 1000) : null;
  }

  /** Adds the event (if any) to the outbox, which lives as long as its record, as the scripts do. */
  private appendToOutbox(onboardingId: string, event: OutboxEvent | null, expiresAt: number): void {
    const outboxKey = this.keys.outbox(onboardingId);
    const outbox = this.live(this.outboxes, outboxKey) ?? { value: [], expiresAt: 0 };
    if (event !== null) outbox.value.push(encodeOutboxEvent(event));
    if (outbox.value.length > 0) {
      outbox.expiresAt = expiresAt;
      this.outboxes.set(outboxKey, outbox);
    }
  }

  /** Pending → another status with these fields and a new TTL (the cancel and expire scripts' common part). */
  private endPending(
    onboardingId: string,
    set: Record<string, string>,
    ttlSeconds: number,
  ):
    | { stored: Expiring<HashFields> }
    | { outcome: 'not_found' }
    | { outcome: 'not_pending'; record: OnboardingRecord } {
    check.ttlSeconds('ttlSeconds', ttlSeconds);
    const stored = this.live(this.records, this.keys.record(onboardingId));
    const record = stored && decodeRecord(stored.value);
    if (!stored || !record) return { outcome: 'not_found' };
    if (record.status !== 'pending') return { outcome: 'not_pending', record };
    applyChanges(stored.value, { set, remove: [] });
    stored.expiresAt = this.expiry(ttlSeconds);
    return { stored };
  }

  private readRecord(onboardingId: string): OnboardingRecord | null {
    const stored = this.live(this.records, this.keys.record(onboardingId));
    return stored ? decodeRecord({ ...stored.value }) : null;
  }

  /** The entry if it has not expired; an expired one is dropped, as Redis does on access. */
  private live<T>(map: Map<string, Expiring<T>>, key: string): Expiring<T> | undefined {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private expiry(ttlSeconds: number): number {
    return this.clock.now() + ttlSeconds * 1000;
  }

  /** Drops what has expired, as Redis would, so a long-running sandbox does not grow forever. */
  private sweepExpired(): void {
    const now = this.clock.now();
    for (const map of [this.records, this.outboxes, this.claims] as Map<
      string,
      Expiring<unknown>
    >[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
    const oldest = now - INDEX_RETENTION_MS;
    for (const [id, score] of this.index) if (score < oldest) this.index.delete(id);
  }
}
