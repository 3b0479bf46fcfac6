// The OnboardingStore contract: one behaviour suite that every onboarding store implementation must pass.
import type { ManualClock } from '../../src/lib/clock';
import { isoSeconds } from '../../src/lib/clock';
import { InvalidCursorError, InvalidKeyError } from '../../src/store/errors';
import type { CompleteResult, OnboardingRecord, OnboardingStore } from '../../src/store/store';
import { describeOnboardingLinksContract } from './onboarding-links.contract';
import {
  completionFor,
  eventFor,
  eventsOf,
  newOnboardingId,
  pendingRecord,
} from './onboarding-fixtures';

export interface StoreFixture {
  store: OnboardingStore;
  /** The storage's readiness check. */
  ping(): Promise<void>;
  clock: ManualClock;
  cleanup(): Promise<void>;
  /** Seconds left before the onboarding's record expires; null when it is gone or never expires. */
  ttlSecondsOf(onboardingId: string): Promise<number | null>;
  /**
   * Reads back a record stored as exactly these hash fields (one an earlier release wrote): Redis writes
   * the hash with this TTL and reads it through the store. Memory starts empty on every release, so it
   * never holds such a record: its fixture decodes the fields with the codec the store reads with.
   */
  readAsStored(
    fields: Record<string, string>,
    ttlSeconds: number,
  ): Promise<OnboardingRecord | null>;
}

const PENDING_TTL = 26 * 3600;
const COMPLETED_TTL = 90 * 24 * 3600;

/** The whole onboarding store contract, the invitations part (onboarding-links.contract.ts) included. */
export function describeStoreContract(name: string, setup: () => Promise<StoreFixture>): void {
  describeOnboardingLinksContract(name, setup);
  describe(`${name} (OnboardingStore contract)`, () => {
    let fixture: StoreFixture;
    let store: OnboardingStore;
    let clock: ManualClock;

    beforeEach(async () => {
      fixture = await setup();
      ({ store, clock } = fixture);
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    async function created(overrides: Partial<OnboardingRecord> = {}): Promise<OnboardingRecord> {
      const record = pendingRecord(clock, overrides);
      await store.createOnboarding(record, PENDING_TTL);
      return record;
    }

    /** Creates `count` onboardings one second apart; returns them oldest first. */
    async function createdSeries(count: number): Promise<OnboardingRecord[]> {
      const records: OnboardingRecord[] = [];
      for (let i = 0; i < count; i++) {
        records.push(await created());
        clock.advance(1000);
      }
      return records;
    }

    async function listAll(query: { status?: OnboardingRecord['status']; limit: number }) {
      const pages: OnboardingRecord[][] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await store.listOnboardings({ ...query, cursor });
        pages.push(page.items);
        if (page.nextCursor === null) return pages;
        cursor = page.nextCursor;
      }
      throw new Error('listing did not end');
    }

    describe('creating and reading', () => {
      it('reads back exactly the record it stored, nested metadata, unicode and nulls included', async () => {
        const record = await created({
          description: '',
          require_username: 'ada@example.test',
          return_url: 'https://app.example.test/done?x=1&y=ä',
          metadata: {
            tenant: 'acme',
            emptyList: [],
            emptyObject: {},
            nested: [[1, 2, [3]], [], [{ a: null }]],
            unicode: 'žluťoučký kůň 🐎 中文 \u0000 "quoted" \n newline',
            big: [Number.MAX_SAFE_INTEGER, 2 ** 60, 1e21, -0.000001],
            precise: 0.1 + 0.2,
            nothing: null,
            flag: false,
          },
          last_error: { code: 'VERIFIER_MISMATCH', message: 'nope', time: isoSeconds(clock.now()) },
        });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
      });

      it('reads back a record whose optional fields are all null', async () => {
        const record = await created();
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
      });

      it('returns null for an onboarding it never stored', async () => {
        await expect(store.getOnboarding(newOnboardingId())).resolves.toBeNull();
      });

      it('keeps a pending onboarding for the TTL it was asked for', async () => {
        const record = pendingRecord(clock);
        await store.createOnboarding(record, 3600);
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeGreaterThan(3590);
        expect(ttl).toBeLessThanOrEqual(3600);
      });

      it('refuses to create an onboarding whose id is already stored', async () => {
        const record = await created();
        await expect(
          store.createOnboarding({ ...record, description: 'other' }, PENDING_TTL),
        ).rejects.toMatchObject({ name: 'DuplicateOnboardingError' });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
      });

      it('rejects onboarding ids and idempotency keys that would break the key layout', async () => {
        for (const bad of ['', 'onb_{abc}defghij', 'onb_abc}defghij', 'onb_{x', 'onb_has space']) {
          await expect(store.getOnboarding(bad)).rejects.toBeInstanceOf(InvalidKeyError);
          await expect(
            store.createOnboarding(pendingRecord(clock, { onboarding_id: bad }), PENDING_TTL),
          ).rejects.toBeInstanceOf(InvalidKeyError);
          await expect(store.readOutbox(bad)).rejects.toBeInstanceOf(InvalidKeyError);
        }
        await expect(
          store.claimIdempotencyKey({
            key: 'k{1}',
            fingerprint: 'f',
            onboardingId: newOnboardingId(),
            ttlSeconds: 60,
          }),
        ).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.releaseIdempotencyKey('', newOnboardingId())).rejects.toBeInstanceOf(
          InvalidKeyError,
        );
      });

      it('answers ping', async () => {
        await expect(fixture.ping()).resolves.toBeUndefined();
      });
    });

    describe('completing', () => {
      it('completes a pending onboarding: login fields set, its event written, last_error cleared, TTL re-set', async () => {
        const record = await created({
          last_error: { code: 'UPSTREAM_UNAVAILABLE', message: 'x', time: isoSeconds(clock.now()) },
        });
        const completion = completionFor(record, clock);
        const event = eventFor(record);

        const result = await store.completeOnboarding(
          record.onboarding_id,
          completion,
          event,
          COMPLETED_TTL,
        );

        const expected: OnboardingRecord = {
          ...record,
          status: 'completed',
          login_id: completion.login_id,
          login_username: completion.login_username,
          login_time: completion.login_time,
          user_id: completion.user_id,
          completed_time: completion.completed_time,
          completed_via: 'callback',
          verifier_hash: completion.verifier_hash,
          last_error: null,
          events: [event],
        };
        expect(result).toStrictEqual({ outcome: 'completed', record: expected });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(expected);
        await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([event]);
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeGreaterThan(COMPLETED_TTL - 10);
        expect(ttl).toBeLessThanOrEqual(COMPLETED_TTL);
      });

      it('stores null login fields as null', async () => {
        const record = await created();
        const completion = completionFor(record, clock, {
          login_username: null,
          login_time: null,
          user_id: null,
          completed_via: 'reconciliation',
        });
        const result = await store.completeOnboarding(
          record.onboarding_id,
          completion,
          null,
          COMPLETED_TTL,
        );
        expect(result.outcome).toBe('completed');
        const stored = await store.getOnboarding(record.onboarding_id);
        expect(stored).toMatchObject({
          login_username: null,
          login_time: null,
          user_id: null,
          completed_via: 'reconciliation',
        });
        await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([]);
      });

      it('answers already_completed to the same link again, keeping the first login and writing no second event', async () => {
        const record = await created();
        const first = completionFor(record, clock);
        await store.completeOnboarding(
          record.onboarding_id,
          first,
          eventFor(record),
          COMPLETED_TTL,
        );
        const afterFirst = await store.getOnboarding(record.onboarding_id);

        const again = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock, { login_id: 'login_other', login_username: 'eve' }),
          eventFor(record),
          COMPLETED_TTL,
        );

        expect(again).toStrictEqual({ outcome: 'already_completed', record: afterFirst });
        expect(afterFirst?.login_id).toBe(first.login_id);
        await expect(eventsOf(store, record.onboarding_id)).resolves.toHaveLength(1);
      });

      it('answers not_pending to a different link once completed, and writes no event', async () => {
        const record = await created();
        const done = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock),
          eventFor(record),
          COMPLETED_TTL,
        );
        const result = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock, { link_id: 'lnkSomeoneElse' }),
          eventFor(record),
          COMPLETED_TTL,
        );
        expect(result).toStrictEqual({
          outcome: 'not_pending',
          record: (done as { record: OnboardingRecord }).record,
        });
        await expect(eventsOf(store, record.onboarding_id)).resolves.toHaveLength(1);
      });

      it.each(['cancelled', 'expired'] as const)(
        'refuses to complete a %s onboarding and changes nothing',
        async (status) => {
          const record = await created({ status });
          const result = await store.completeOnboarding(
            record.onboarding_id,
            completionFor(record, clock),
            eventFor(record),
            COMPLETED_TTL,
          );
          expect(result).toStrictEqual({ outcome: 'not_pending', record });
          await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
          await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([]);
        },
      );

      it('refuses a completion for a different link and leaves the pending record unchanged', async () => {
        const record = await created();
        const result = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock, { link_id: 'lnkSomeoneElse' }),
          eventFor(record),
          COMPLETED_TTL,
        );
        expect(result).toStrictEqual({ outcome: 'not_pending', record });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
        await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([]);
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeLessThanOrEqual(PENDING_TTL);
      });

      it('answers not_found for an onboarding it never stored', async () => {
        const record = pendingRecord(clock);
        await expect(
          store.completeOnboarding(
            record.onboarding_id,
            completionFor(record, clock),
            eventFor(record),
            COMPLETED_TTL,
          ),
        ).resolves.toStrictEqual({ outcome: 'not_found' });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toBeNull();
        await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([]);
      });

      it('completes a pending onboarding once under 50 concurrent completions', async () => {
        const record = await created();
        const results: CompleteResult[] = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.completeOnboarding(
              record.onboarding_id,
              completionFor(record, clock, { login_id: `login_${i}` }),
              eventFor(record, `msg_${i}`),
              COMPLETED_TTL,
            ),
          ),
        );
        const outcomes = results.map((r) => r.outcome);
        expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'already_completed')).toHaveLength(49);
        const winner = outcomes.indexOf('completed');
        const events = await eventsOf(store, record.onboarding_id);
        expect(events).toStrictEqual([eventFor(record, `msg_${winner}`)]);
        const stored = await store.getOnboarding(record.onboarding_id);
        expect(stored?.login_id).toBe(`login_${winner}`);
      });
    });

    describe('recording failures', () => {
      it('sets last_error on a pending onboarding and keeps its TTL', async () => {
        const record = pendingRecord(clock);
        await store.createOnboarding(record, 3600);
        const error = {
          code: 'VERIFIER_MISMATCH',
          message: 'forged',
          time: isoSeconds(clock.now()),
        };
        await store.recordFailure(record.onboarding_id, error);
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual({
          ...record,
          last_error: error,
        });
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeGreaterThan(3590);
        expect(ttl).toBeLessThanOrEqual(3600);
      });

      it('changes nothing on a completed onboarding', async () => {
        const record = await created();
        await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock),
          null,
          COMPLETED_TTL,
        );
        const completed = await store.getOnboarding(record.onboarding_id);
        await store.recordFailure(record.onboarding_id, {
          code: 'STATE_INVALID',
          message: 'late',
          time: isoSeconds(clock.now()),
        });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(completed);
      });

      it('never creates a record for an unknown onboarding', async () => {
        const id = newOnboardingId();
        await store.recordFailure(id, { code: 'X', message: 'y', time: isoSeconds(clock.now()) });
        await expect(store.getOnboarding(id)).resolves.toBeNull();
        await expect(fixture.ttlSecondsOf(id)).resolves.toBeNull();
      });
    });

    describe('cancelling', () => {
      it('cancels a pending onboarding, leaves completed_time null and re-sets the TTL', async () => {
        const record = await created();
        const result = await store.cancelOnboarding(
          record.onboarding_id,
          isoSeconds(clock.now()),
          7200,
        );
        const expected = { ...record, status: 'cancelled' as const };
        expect(result).toStrictEqual({ outcome: 'cancelled', record: expected });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(expected);
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeGreaterThan(7190);
        expect(ttl).toBeLessThanOrEqual(7200);
      });

      it('does not cancel a completed onboarding', async () => {
        const record = await created();
        const completed = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock),
          null,
          COMPLETED_TTL,
        );
        const result = await store.cancelOnboarding(
          record.onboarding_id,
          isoSeconds(clock.now()),
          7200,
        );
        expect(result).toStrictEqual({
          outcome: 'not_pending',
          record: (completed as { record: OnboardingRecord }).record,
        });
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeGreaterThan(COMPLETED_TTL - 10);
      });

      it('answers not_found for an onboarding it never stored', async () => {
        await expect(
          store.cancelOnboarding(newOnboardingId(), isoSeconds(clock.now()), 7200),
        ).resolves.toStrictEqual({ outcome: 'not_found' });
      });
    });

    describe('listing', () => {
      it('lists newest first', async () => {
        const records = await createdSeries(3);
        const page = await store.listOnboardings({ limit: 10 });
        expect(page.items).toStrictEqual([...records].reverse());
        expect(page.nextCursor).toBeNull();
      });

      it('returns every onboarding exactly once across pages of 2', async () => {
        const records = await createdSeries(5);
        const pages = await listAll({ limit: 2 });
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(pages.flat()).toStrictEqual([...records].reverse());
      });

      it('pages through onboardings created in the same second, ordered by id', async () => {
        const records: OnboardingRecord[] = [];
        for (let i = 0; i < 7; i++) records.push(await created());
        const pages = await listAll({ limit: 3 });
        const ids = pages.flat().map((r) => r.onboarding_id);
        expect(ids).toEqual(
          records
            .map((r) => r.onboarding_id)
            .sort()
            .reverse(),
        );
      });

      it('filters by status across pages', async () => {
        const records = await createdSeries(12);
        const completedIds = new Set<string>();
        for (const i of [1, 4, 5, 10]) {
          const record = records[i] as OnboardingRecord;
          await store.completeOnboarding(
            record.onboarding_id,
            completionFor(record, clock),
            null,
            COMPLETED_TTL,
          );
          completedIds.add(record.onboarding_id);
        }
        const pages = await listAll({ status: 'completed', limit: 2 });
        const listed = pages.flat();
        expect(listed.map((r) => r.onboarding_id)).toEqual(
          [...records]
            .reverse()
            .map((r) => r.onboarding_id)
            .filter((id) => completedIds.has(id)),
        );
        expect(listed.every((r) => r.status === 'completed')).toBe(true);
        const pending = await store.listOnboardings({ status: 'pending', limit: 100 });
        expect(pending.items).toHaveLength(8);
        await expect(store.listOnboardings({ status: 'expired', limit: 5 })).resolves.toEqual({
          items: [],
          nextCursor: null,
        });
      });

      it('keeps its place when onboardings are created between pages', async () => {
        const records = await createdSeries(4);
        const first = await store.listOnboardings({ limit: 2 });
        await createdSeries(3);
        const second = await store.listOnboardings({
          limit: 2,
          cursor: first.nextCursor as string,
        });
        expect([...first.items, ...second.items]).toStrictEqual([...records].reverse());
        expect(second.nextCursor).toBeNull();
      });

      it('returns an empty page with no cursor when there is nothing', async () => {
        await expect(store.listOnboardings({ limit: 5 })).resolves.toEqual({
          items: [],
          nextCursor: null,
        });
      });

      it('rejects a cursor it did not issue with InvalidCursorError', async () => {
        await createdSeries(2);
        const garbage = [
          'garbage!',
          'bm90IGpzb24',
          Buffer.from('{"s":"x","i":"onb_aaaaaaaaaaaa"}').toString('base64url'),
          Buffer.from('{"s":1,"i":"onb_{x}"}').toString('base64url'),
          Buffer.from('[1,2]').toString('base64url'),
          '',
        ];
        for (const cursor of garbage) {
          const error = await store.listOnboardings({ limit: 2, cursor }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidCursorError);
          expect(error).toMatchObject({ name: 'InvalidCursorError' });
        }
      });
    });

    describe('idempotency keys', () => {
      it('claims a key once, then reports the first claim', async () => {
        const first = newOnboardingId();
        const claim = {
          key: 'caller1:abc',
          fingerprint: 'fp1',
          onboardingId: first,
          ttlSeconds: 60,
        };
        await expect(store.claimIdempotencyKey(claim)).resolves.toEqual({ outcome: 'claimed' });
        await expect(
          store.claimIdempotencyKey({
            ...claim,
            fingerprint: 'fp2',
            onboardingId: newOnboardingId(),
          }),
        ).resolves.toEqual({ outcome: 'exists', onboardingId: first, fingerprint: 'fp1' });
      });

      it('releases a claim only for the onboarding it names', async () => {
        const owner = newOnboardingId();
        const claim = {
          key: 'caller1:def',
          fingerprint: 'fp',
          onboardingId: owner,
          ttlSeconds: 60,
        };
        await store.claimIdempotencyKey(claim);

        await store.releaseIdempotencyKey(claim.key, newOnboardingId());
        await store.releaseIdempotencyKey(claim.key, owner.slice(0, -1));
        await expect(store.claimIdempotencyKey(claim)).resolves.toMatchObject({
          outcome: 'exists',
        });

        await store.releaseIdempotencyKey(claim.key, owner);
        const retry = { ...claim, onboardingId: newOnboardingId() };
        await expect(store.claimIdempotencyKey(retry)).resolves.toEqual({ outcome: 'claimed' });
      });
    });

    describe('events', () => {
      it('has no events before a change raised one', async () => {
        const record = await created();
        await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([]);
      });
    });
  });
}
