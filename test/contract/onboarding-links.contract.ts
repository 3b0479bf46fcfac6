// The OnboardingStore contract for invitations: several links per onboarding, records of the previous
// release, compare-and-set updates, and completion from any of an onboarding's links.
import type { ManualClock } from '../../src/lib/clock';
import { isoSeconds } from '../../src/lib/clock';
import type {
  OnboardingChanges,
  OnboardingRecord,
  OnboardingStore,
  UpdateResult,
} from '../../src/store/store';
import {
  completionFor,
  eventFor,
  eventsOf,
  linkFor,
  newOnboardingId,
  pendingRecord,
  previousReleaseFields,
} from './onboarding-fixtures';
import type { StoreFixture } from './store.contract';

const PENDING_TTL = 26 * 3600;
const COMPLETED_TTL = 90 * 24 * 3600;

export function describeOnboardingLinksContract(
  name: string,
  setup: () => Promise<StoreFixture>,
): void {
  describe(`${name} (OnboardingStore contract: links and updates)`, () => {
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

    /** A pending onboarding with three links, newest first: the newest OPEN, the older two CLOSED. */
    async function withThreeLinks(): Promise<OnboardingRecord> {
      const oldest = linkFor(clock, { status: 'CLOSED', sent_time: isoSeconds(clock.now()) });
      clock.advance(60_000);
      const older = linkFor(clock, {
        status: 'CLOSED',
        sent_time: isoSeconds(clock.now()),
        recycled_time: isoSeconds(clock.now() + 1000),
      });
      clock.advance(60_000);
      const newest = linkFor(clock);
      return created({
        create_link: 'on_open',
        link_id: newest.link_id,
        login_url: newest.login_url,
        links: [newest, older, oldest],
      });
    }

    describe('reading links and the new fields', () => {
      it('reads back a record with several links and every invitation field set', async () => {
        const record = await withThreeLinks();
        const full = pendingRecord(clock, {
          create_link: 'on_open',
          link_id: record.link_id,
          login_url: record.login_url,
          links: record.links,
          start_token_hash: 'a'.repeat(64),
          start_token_sealed: 'v1.c2VhbGVk.dG9rZW4',
          link_lock_until: clock.now() + 30_000,
          rev: 7,
        });
        await store.createOnboarding(full, PENDING_TTL);
        await expect(store.getOnboarding(full.onboarding_id)).resolves.toStrictEqual(full);
      });

      it('reads back an onboarding that has no link yet', async () => {
        const record = await created({ create_link: 'on_open', link_id: null, links: [] });
        expect(record.login_url).toBeNull();
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
      });

      it('reads a record of the previous release with the defaults: one OPEN link, rev 0, no token or lock', async () => {
        const record = pendingRecord(clock, {
          metadata: { tenant: 'acme' },
          last_error: { code: 'UPSTREAM_UNAVAILABLE', message: 'x', time: isoSeconds(clock.now()) },
        });
        const fields = previousReleaseFields(record);

        const read = await fixture.readAsStored(fields, PENDING_TTL);

        expect(read).toStrictEqual({
          ...record,
          create_link: 'now',
          links: [
            {
              link_id: record.link_id,
              status: 'OPEN',
              created_time: record.created_time,
              expiry_time: record.expiry_time,
              login_url: record.login_url,
              state_hash: record.state_hash,
              sent_time: null,
              recycled_time: null,
            },
          ],
          start_token_hash: null,
          start_token_sealed: null,
          link_lock_until: null,
          rev: 0,
        });
      });

      it('reads a record of the previous release without a link_id with no links', async () => {
        const record = pendingRecord(clock, { link_id: null, links: [] });
        const read = await fixture.readAsStored(previousReleaseFields(record), PENDING_TTL);
        expect(read).toStrictEqual({ ...record, create_link: 'now', links: [], rev: 0 });
      });
    });

    describe('updating (compare-and-set on rev)', () => {
      it('applies the changes, bumps rev and answers the whole record', async () => {
        const record = await created();
        const link = linkFor(clock, { sent_time: isoSeconds(clock.now()) });
        const changes: OnboardingChanges = {
          links: [link, { ...(record.links[0] as OnboardingRecord['links'][0]), status: 'CLOSED' }],
          link_id: link.link_id,
          login_url: link.login_url,
          ds_name: 'Google Analytics 4',
          start_token_hash: 'b'.repeat(64),
          start_token_sealed: 'sealed',
          link_lock_until: clock.now() + 15_000,
        };

        const result = await store.updateOnboarding(record.onboarding_id, 0, changes, true);

        const expected = { ...record, ...changes, rev: 1 };
        expect(result).toStrictEqual({ outcome: 'updated', record: expected });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(expected);
        const again = await store.updateOnboarding(record.onboarding_id, 1, {}, true);
        expect(again).toStrictEqual({ outcome: 'updated', record: { ...expected, rev: 2 } });
      });

      it('answers conflict on a stale or future rev and changes nothing', async () => {
        const record = await created();
        await store.updateOnboarding(record.onboarding_id, 0, { ds_name: 'first' }, true);
        const afterFirst = await store.getOnboarding(record.onboarding_id);

        for (const rev of [0, 2]) {
          await expect(
            store.updateOnboarding(record.onboarding_id, rev, { ds_name: 'second' }, true),
          ).resolves.toStrictEqual({ outcome: 'conflict' });
        }
        expect(afterFirst).toMatchObject({ ds_name: 'first', rev: 1 });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(afterFirst);
      });

      it.each(['completed', 'expired', 'cancelled'] as const)(
        'answers not_pending with pendingOnly on a %s onboarding and changes nothing',
        async (status) => {
          const record = await created({ status });
          const result = await store.updateOnboarding(
            record.onboarding_id,
            0,
            { link_lock_until: clock.now() },
            true,
          );
          expect(result).toStrictEqual({ outcome: 'not_pending', record });
          await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
        },
      );

      it('updates a completed onboarding when not asked for pendingOnly', async () => {
        const record = await created();
        const done = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock),
          null,
          COMPLETED_TTL,
        );
        const completed = (done as { record: OnboardingRecord }).record;
        const links = completed.links.map((link) => ({ ...link, status: 'CLOSED' as const }));

        const result = await store.updateOnboarding(record.onboarding_id, 0, { links }, false);

        expect(result).toStrictEqual({
          outcome: 'updated',
          record: { ...completed, links, rev: 1 },
        });
      });

      it('removes a field given as null', async () => {
        const record = await created({
          start_token_sealed: 'sealed',
          link_lock_until: clock.now() + 30_000,
        });
        const result = await store.updateOnboarding(
          record.onboarding_id,
          0,
          { start_token_sealed: null, link_lock_until: null, login_url: null, link_id: null },
          true,
        );
        const expected = {
          ...record,
          start_token_sealed: null,
          link_lock_until: null,
          login_url: null,
          link_id: null,
          rev: 1,
        };
        expect(result).toStrictEqual({ outcome: 'updated', record: expected });
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(expected);
      });

      it('keeps the TTL the record had', async () => {
        const record = pendingRecord(clock);
        await store.createOnboarding(record, 3600);
        await store.updateOnboarding(record.onboarding_id, 0, { ds_name: 'renamed' }, true);
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeGreaterThan(3590);
        expect(ttl).toBeLessThanOrEqual(3600);
      });

      it('answers not_found for an onboarding it never stored, and creates none', async () => {
        const id = newOnboardingId();
        await expect(store.updateOnboarding(id, 0, { ds_name: 'x' }, false)).resolves.toEqual({
          outcome: 'not_found',
        });
        await expect(store.getOnboarding(id)).resolves.toBeNull();
      });

      it('lets exactly one of 50 concurrent updates from the same rev win', async () => {
        const record = await created();
        const results: UpdateResult[] = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.updateOnboarding(
              record.onboarding_id,
              0,
              { link_lock_until: clock.now() + i },
              true,
            ),
          ),
        );
        const outcomes = results.map((r) => r.outcome);
        expect(outcomes.filter((o) => o === 'updated')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(49);
        const winner = outcomes.indexOf('updated');
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toMatchObject({
          link_lock_until: clock.now() + winner,
          rev: 1,
        });
      });

      it('refuses a rev that is not a whole number, and removing links or ds_name', async () => {
        const record = await created();
        for (const rev of [-1, 0.5, Number.NaN]) {
          await expect(store.updateOnboarding(record.onboarding_id, rev, {}, true)).rejects.toThrow(
            RangeError,
          );
        }
        for (const changes of [{ links: null }, { ds_name: null }]) {
          await expect(
            store.updateOnboarding(
              record.onboarding_id,
              0,
              changes as unknown as OnboardingChanges,
              true,
            ),
          ).rejects.toThrow(RangeError);
        }
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
      });
    });

    describe('completing from any of its links', () => {
      it('completes from an older link of the onboarding and sets link_id to it', async () => {
        const record = await withThreeLinks();
        const older = record.links[2]?.link_id as string;
        const completion = completionFor(record, clock, { link_id: older });
        const event = eventFor(record);

        const result = await store.completeOnboarding(
          record.onboarding_id,
          completion,
          event,
          COMPLETED_TTL,
        );

        expect(result.outcome).toBe('completed');
        const stored = await store.getOnboarding(record.onboarding_id);
        expect(stored).toStrictEqual((result as { record: OnboardingRecord }).record);
        expect(stored).toMatchObject({ status: 'completed', link_id: older, links: record.links });
        await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([event]);
      });

      it('completes from a link added by updateOnboarding', async () => {
        const record = await created();
        const added = linkFor(clock);
        await store.updateOnboarding(
          record.onboarding_id,
          0,
          { links: [added, ...record.links], link_id: added.link_id, login_url: added.login_url },
          true,
        );
        const first = record.link_id as string;

        const result = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock, { link_id: first }),
          null,
          COMPLETED_TTL,
        );

        expect(result.outcome).toBe('completed');
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toMatchObject({
          link_id: first,
        });
      });

      it('answers not_pending to a link that is none of its own, and changes nothing', async () => {
        const others = await withThreeLinks();
        const record = await withThreeLinks();
        for (const linkId of [
          others.links[1]?.link_id as string,
          'lnkNotOurs',
          (record.links[1]?.link_id as string).slice(1),
          `${record.links[0]?.link_id},${record.links[1]?.link_id}`,
        ]) {
          const result = await store.completeOnboarding(
            record.onboarding_id,
            completionFor(record, clock, { link_id: linkId }),
            eventFor(record),
            COMPLETED_TTL,
          );
          expect(result).toStrictEqual({ outcome: 'not_pending', record });
        }
        await expect(store.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(record);
        await expect(eventsOf(store, record.onboarding_id)).resolves.toStrictEqual([]);
        const ttl = await fixture.ttlSecondsOf(record.onboarding_id);
        expect(ttl).toBeLessThanOrEqual(PENDING_TTL);
        expect(ttl).toBeGreaterThan(PENDING_TTL - 10);
      });

      it('answers already_completed only to the link it was completed by', async () => {
        const record = await withThreeLinks();
        const [newest, , oldest] = record.links.map((link) => link.link_id);
        const done = await store.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock, { link_id: oldest }),
          eventFor(record),
          COMPLETED_TTL,
        );
        const completed = (done as { record: OnboardingRecord }).record;

        await expect(
          store.completeOnboarding(
            record.onboarding_id,
            completionFor(record, clock, { link_id: newest }),
            eventFor(record),
            COMPLETED_TTL,
          ),
        ).resolves.toStrictEqual({ outcome: 'not_pending', record: completed });
        await expect(
          store.completeOnboarding(
            record.onboarding_id,
            completionFor(record, clock, { link_id: oldest, login_id: 'login_again' }),
            eventFor(record),
            COMPLETED_TTL,
          ),
        ).resolves.toStrictEqual({ outcome: 'already_completed', record: completed });
        await expect(eventsOf(store, record.onboarding_id)).resolves.toHaveLength(1);
      });
    });
  });
}
