// The ReconcileSchedule contract (and the onboarding store's expire step it drives): one suite every storage must pass.
import type { ManualClock } from '../../src/lib/clock';
import { InvalidKeyError } from '../../src/store/errors';
import type { OnboardingRecord, Storage } from '../../src/store/store';
import {
  completionFor,
  eventFor,
  eventsOf,
  newOnboardingId,
  pendingRecord,
} from './onboarding-fixtures';

export interface ReconcileScheduleFixture {
  store: Storage;
  clock: ManualClock;
  cleanup(): Promise<void>;
  /** Seconds left before the onboarding's record expires; null when it is gone or never expires. */
  ttlSecondsOf(onboardingId: string): Promise<number | null>;
}

const T0 = Date.parse('2026-03-01T12:00:00Z');
const LEASE = 60_000;
const HOUR = 3_600_000;
const RETENTION = 90 * 24 * 3600;

export function describeReconcileScheduleContract(
  name: string,
  setup: () => Promise<ReconcileScheduleFixture>,
): void {
  describe(`${name} (ReconcileSchedule contract)`, () => {
    let fixture: ReconcileScheduleFixture;
    let store: Storage;
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
      await store.onboardings.createOnboarding(record, 26 * 3600);
      return record;
    }

    describe('scheduling and claiming checks', () => {
      it('hands out only the checks that are due, earliest first', async () => {
        const [a, b, c] = [newOnboardingId(), newOnboardingId(), newOnboardingId()];
        await store.reconcileSchedule.scheduleCheck(b, T0 + 2000);
        await store.reconcileSchedule.scheduleCheck(a, T0 + 1000);
        await store.reconcileSchedule.scheduleCheck(c, T0 + 5000);

        await expect(store.reconcileSchedule.claimDueChecks(T0 + 2000, LEASE, 10)).resolves.toEqual(
          [a, b],
        );
      });

      it('leases a claimed check: nobody else gets it until the lease runs out', async () => {
        const id = newOnboardingId();
        await store.reconcileSchedule.scheduleCheck(id, T0);
        await store.reconcileSchedule.claimDueChecks(T0, LEASE, 10);

        await expect(
          store.reconcileSchedule.claimDueChecks(T0 + LEASE - 1, LEASE, 10),
        ).resolves.toEqual([]);
        await expect(
          store.reconcileSchedule.claimDueChecks(T0 + LEASE, LEASE, 10),
        ).resolves.toEqual([id]);
      });

      it('gives each due check to one of many concurrent claimers', async () => {
        const ids = Array.from({ length: 30 }, () => newOnboardingId());
        for (const id of ids) await store.reconcileSchedule.scheduleCheck(id, T0);

        const claims = await Promise.all(
          Array.from({ length: 6 }, () => store.reconcileSchedule.claimDueChecks(T0, LEASE, 7)),
        );

        const all = claims.flat();
        expect(new Set(all).size).toBe(all.length);
        expect(all.sort()).toEqual([...ids].sort());
      });

      it('honours max', async () => {
        for (let i = 0; i < 5; i++)
          await store.reconcileSchedule.scheduleCheck(newOnboardingId(), T0);
        await expect(store.reconcileSchedule.claimDueChecks(T0, LEASE, 2)).resolves.toHaveLength(2);
      });

      it('moves a check when it is scheduled again, and forgets a dropped one', async () => {
        const [moved, dropped] = [newOnboardingId(), newOnboardingId()];
        await store.reconcileSchedule.scheduleCheck(moved, T0);
        await store.reconcileSchedule.scheduleCheck(dropped, T0);
        await store.reconcileSchedule.scheduleCheck(moved, T0 + 10_000);
        await store.reconcileSchedule.dropCheck(dropped);

        await expect(
          store.reconcileSchedule.claimDueChecks(T0 + 9_999, LEASE, 10),
        ).resolves.toEqual([]);
        await expect(
          store.reconcileSchedule.claimDueChecks(T0 + 10_000, LEASE, 10),
        ).resolves.toEqual([moved]);
        await expect(store.reconcileSchedule.countChecks()).resolves.toBe(1);
      });

      it('counts and lists the scheduled onboardings, earliest due first', async () => {
        const [a, b] = [newOnboardingId(), newOnboardingId()];
        await store.reconcileSchedule.scheduleCheck(b, T0 + 1);
        await store.reconcileSchedule.scheduleCheck(a, T0);

        await expect(store.reconcileSchedule.countChecks()).resolves.toBe(2);
        await expect(store.reconcileSchedule.listChecks(10)).resolves.toEqual([a, b]);
        await expect(store.reconcileSchedule.listChecks(1)).resolves.toEqual([a]);
      });

      it('rejects ids that would break the key layout and times that are not whole ms', async () => {
        await expect(store.reconcileSchedule.scheduleCheck('onb_{x}', T0)).rejects.toThrow(
          InvalidKeyError,
        );
        await expect(store.reconcileSchedule.dropCheck('')).rejects.toThrow(InvalidKeyError);
        await expect(store.reconcileSchedule.scheduleCheck(newOnboardingId(), 1.5)).rejects.toThrow(
          RangeError,
        );
        await expect(store.reconcileSchedule.claimDueChecks(T0, 0, 10)).rejects.toThrow(RangeError);
      });
    });

    describe('the shared budget and pause', () => {
      it('spends up to the cap in a window, and afresh in the next one', async () => {
        const spent: boolean[] = [];
        for (let i = 0; i < 4; i++)
          spent.push(await store.reconcileSchedule.spendReconcileBudget(T0, 3));

        expect(spent).toEqual([true, true, true, false]);
        await expect(store.reconcileSchedule.spendReconcileBudget(T0, 4)).resolves.toBe(true);
        await expect(store.reconcileSchedule.spendReconcileBudget(T0 + HOUR, 1)).resolves.toBe(
          true,
        );
        await expect(store.reconcileSchedule.spendReconcileBudget(T0 + HOUR, 0)).resolves.toBe(
          false,
        );
      });

      it('never spends more than the cap under concurrent spenders', async () => {
        const spent = await Promise.all(
          Array.from({ length: 20 }, () => store.reconcileSchedule.spendReconcileBudget(T0, 5)),
        );
        expect(spent.filter(Boolean)).toHaveLength(5);
      });

      it('keeps the latest pause: a shorter one never cuts it', async () => {
        await expect(store.reconcileSchedule.upstreamPausedUntil()).resolves.toBe(0);
        await store.reconcileSchedule.pauseUpstream(T0 + 120_000);
        await store.reconcileSchedule.pauseUpstream(T0 + 60_000);
        await expect(store.reconcileSchedule.upstreamPausedUntil()).resolves.toBe(T0 + 120_000);
        await store.reconcileSchedule.pauseUpstream(T0 + 180_000);
        await expect(store.reconcileSchedule.upstreamPausedUntil()).resolves.toBe(T0 + 180_000);
      });
    });

    describe('expiring', () => {
      it('expires a pending onboarding with its event, kept for the retention', async () => {
        const record = await created();
        const event = eventFor(record, undefined, 'onboarding.expired');

        const result = await store.onboardings.expireOnboarding(
          record.onboarding_id,
          new Date(clock.now()).toISOString(),
          event,
          RETENTION,
        );

        expect(result).toEqual({
          outcome: 'expired',
          record: { ...record, status: 'expired', events: [event] },
        });
        await expect(store.onboardings.getOnboarding(record.onboarding_id)).resolves.toEqual({
          ...record,
          status: 'expired',
          events: [event],
        });
        await expect(eventsOf(store.onboardings, record.onboarding_id)).resolves.toEqual([event]);
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeGreaterThan(RETENTION - 5);
        expect(ttl).toBeLessThanOrEqual(RETENTION);
      });

      it('leaves a completed onboarding alone and writes no event', async () => {
        const record = await created();
        await store.onboardings.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock),
          eventFor(record),
          RETENTION,
        );

        const result = await store.onboardings.expireOnboarding(
          record.onboarding_id,
          new Date(clock.now()).toISOString(),
          eventFor(record),
          RETENTION,
        );

        expect(result.outcome).toBe('not_pending');
        await expect(eventsOf(store.onboardings, record.onboarding_id)).resolves.toHaveLength(1);
        expect((await store.onboardings.getOnboarding(record.onboarding_id))?.status).toBe(
          'completed',
        );
      });

      it('answers not_found for an onboarding it never stored', async () => {
        await expect(
          store.onboardings.expireOnboarding(
            newOnboardingId(),
            new Date(T0).toISOString(),
            null,
            RETENTION,
          ),
        ).resolves.toEqual({ outcome: 'not_found' });
      });

      it('lets exactly one of a racing completion and expiry win', async () => {
        const record = await created();
        const [completed, expired] = await Promise.all([
          store.onboardings.completeOnboarding(
            record.onboarding_id,
            completionFor(record, clock),
            eventFor(record),
            RETENTION,
          ),
          store.onboardings.expireOnboarding(
            record.onboarding_id,
            new Date(clock.now()).toISOString(),
            eventFor(record),
            RETENTION,
          ),
        ]);

        const winners = [completed.outcome === 'completed', expired.outcome === 'expired'];
        expect(winners.filter(Boolean)).toHaveLength(1);
        await expect(eventsOf(store.onboardings, record.onboarding_id)).resolves.toHaveLength(1);
      });
    });
  });
}
