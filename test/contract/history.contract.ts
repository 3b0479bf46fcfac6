// The OnboardingHistory contract: one behaviour suite that every storage's onboarding histories must pass.
import type { ManualClock } from '../../src/lib/clock';
import { InvalidKeyError } from '../../src/store/errors';
import { HISTORY_MAX } from '../../src/store/history-codec';
import type {
  HistoryEntry,
  OnboardingHistory,
  OnboardingRecord,
  OnboardingStore,
} from '../../src/store/store';
import { completionFor, eventFor, newOnboardingId, pendingRecord } from './onboarding-fixtures';

export interface HistoryFixture {
  onboardings: OnboardingStore;
  history: OnboardingHistory;
  /** The same storage through another connection: another instance. */
  otherHistory(): { onboardings: OnboardingStore; history: OnboardingHistory };
  clock: ManualClock;
  cleanup(): Promise<void>;
}

const TTL = 3600;

export function describeHistoryContract(name: string, setup: () => Promise<HistoryFixture>): void {
  describe(`${name} (OnboardingHistory contract)`, () => {
    let fixture: HistoryFixture;
    let onboardings: OnboardingStore;
    let history: OnboardingHistory;
    let clock: ManualClock;

    beforeEach(async () => {
      fixture = await setup();
      ({ onboardings, history, clock } = fixture);
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    async function created(overrides: Partial<OnboardingRecord> = {}): Promise<OnboardingRecord> {
      const record = pendingRecord(clock, overrides);
      await onboardings.createOnboarding(record, TTL);
      return record;
    }

    const now = () => new Date(clock.now()).toISOString();
    const failure = (code = 'VERIFIER_MISMATCH') => ({ code, message: 'forged', time: now() });
    const typesOf = async (id: string) =>
      (await history.read(id))?.entries.map((entry) => entry.type);

    it('starts with created, and link_created for a link made with the onboarding', async () => {
      const withLink = await created();
      const withoutLink = await created({ link_id: null });

      await expect(history.read(withLink.onboarding_id)).resolves.toEqual({
        entries: [
          { type: 'created', time: isoOf(withLink.created_time) },
          { type: 'link_created', time: isoOf(withLink.created_time), link_id: withLink.link_id },
        ],
        omitted: 0,
      });
      await expect(history.read(withoutLink.onboarding_id)).resolves.toEqual({
        entries: [{ type: 'created', time: isoOf(withoutLink.created_time) }],
        omitted: 0,
      });
    });

    it("adds the store's own changes: callback_failed (even once completed), completed", async () => {
      const record = await created();
      clock.advance(1000);
      await onboardings.recordFailure(record.onboarding_id, failure('LINK_MISMATCH'));
      clock.advance(1000);
      const completion = completionFor(record, clock, { completed_time: now() });
      await onboardings.completeOnboarding(record.onboarding_id, completion, eventFor(record), TTL);
      clock.advance(1000);
      await onboardings.recordFailure(record.onboarding_id, failure('STATE_INVALID'));

      const read = await history.read(record.onboarding_id);
      expect(read?.entries.slice(2)).toEqual([
        { type: 'callback_failed', time: isoAt(clock.now() - 2000), code: 'LINK_MISMATCH' },
        {
          type: 'completed',
          time: isoOf(completion.completed_time),
          completed_via: 'callback',
          link_id: record.link_id,
        },
        { type: 'callback_failed', time: isoAt(clock.now()), code: 'STATE_INVALID' },
      ]);
      // A failure after completion is history, not a last_error.
      expect((await onboardings.getOnboarding(record.onboarding_id))?.last_error).toBeNull();
    });

    it('adds cancelled, and expired, once each', async () => {
      const cancelled = await created();
      await onboardings.cancelOnboarding(cancelled.onboarding_id, now(), TTL);
      await onboardings.cancelOnboarding(cancelled.onboarding_id, now(), TTL);
      const expired = await created();
      await onboardings.expireOnboarding(expired.onboarding_id, now(), null, TTL);
      await onboardings.expireOnboarding(expired.onboarding_id, now(), null, TTL);

      await expect(typesOf(cancelled.onboarding_id)).resolves.toEqual([
        'created',
        'link_created',
        'cancelled',
      ]);
      await expect(typesOf(expired.onboarding_id)).resolves.toEqual([
        'created',
        'link_created',
        'expired',
      ]);
    });

    it("appends others' entries in order, every field read back as written", async () => {
      const record = await created({ link_id: null });
      const time = isoAt(clock.now() + 5);
      const entries: HistoryEntry[] = [
        { type: 'start_opened', time },
        { type: 'link_created', time, link_id: 'lnk_a-1' },
        { type: 'link_closed', time, link_id: 'lnk_a-1' },
        { type: 'webhook_failed', time, webhook_id: 'msg_1', status: 503, error: null },
        { type: 'webhook_failed', time, webhook_id: 'msg_1', status: null, error: 'timeout' },
        { type: 'webhook_delivered', time, webhook_id: 'msg_1', status: 204 },
      ];

      await expect(history.append(record.onboarding_id, entries.slice(0, 2))).resolves.toBe(true);
      await expect(history.append(record.onboarding_id, entries.slice(2))).resolves.toBe(true);

      const read = await history.read(record.onboarding_id);
      expect(read?.entries.slice(1)).toEqual(entries);
    });

    it('keeps an error without the separators it would break', async () => {
      const record = await created({ link_id: null });
      await history.append(record.onboarding_id, [
        { type: 'webhook_failed', time: now(), webhook_id: 'msg_2', status: null, error: 'a|b\nc' },
      ]);
      expect((await history.read(record.onboarding_id))?.entries[1]).toMatchObject({
        error: 'a b c',
      });
    });

    it(`keeps at most ${HISTORY_MAX} entries under a flood of failed callbacks: the first and the newest, counting the rest`, async () => {
      const record = await created();
      for (let i = 0; i < 150; i++) {
        clock.advance(1);
        await onboardings.recordFailure(record.onboarding_id, failure(`CODE_${i}`));
      }

      const read = await history.read(record.onboarding_id);

      expect(read?.entries).toHaveLength(HISTORY_MAX);
      expect(read?.omitted).toBe(152 - HISTORY_MAX);
      // The first entries, its creation, stay; the oldest failures went.
      expect(read?.entries.slice(0, 2)).toEqual([
        { type: 'created', time: isoOf(record.created_time) },
        { type: 'link_created', time: isoOf(record.created_time), link_id: record.link_id },
      ]);
      expect(read?.entries.slice(2).map((e) => (e as { code: string }).code)).toEqual(
        Array.from({ length: HISTORY_MAX - 2 }, (_, i) => `CODE_${150 - HISTORY_MAX + 2 + i}`),
      );
    });

    it('counts every entry of 200 concurrent appends from two connections, and keeps the cap', async () => {
      const record = await created({ link_id: null });
      const other = fixture.otherHistory();
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          i % 2 === 0
            ? onboardings.recordFailure(record.onboarding_id, failure())
            : other.history.append(record.onboarding_id, [{ type: 'start_opened', time: now() }]),
        ),
      );

      const read = await history.read(record.onboarding_id);
      expect(read?.entries).toHaveLength(HISTORY_MAX);
      expect((read?.entries.length ?? 0) + (read?.omitted ?? 0)).toBe(201);
      expect(read?.entries[0]?.type).toBe('created');
    });

    it('never re-creates an onboarding that is gone', async () => {
      const id = newOnboardingId();
      await expect(history.append(id, [{ type: 'start_opened', time: now() }])).resolves.toBe(
        false,
      );
      await onboardings.recordFailure(id, failure());
      await expect(history.read(id)).resolves.toBeNull();
      await expect(onboardings.getOnboarding(id)).resolves.toBeNull();
    });

    it('refuses ids that would break a key, and an entry without a time', async () => {
      for (const bad of ['', 'onb_{x}', 'onb has space']) {
        await expect(history.read(bad)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(history.append(bad, [])).rejects.toBeInstanceOf(InvalidKeyError);
      }
      const record = await created();
      await expect(
        history.append(record.onboarding_id, [{ type: 'start_opened', time: 'never' }]),
      ).rejects.toThrow(RangeError);
      await expect(typesOf(record.onboarding_id)).resolves.toEqual(['created', 'link_created']);
    });
  });
}

function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/** Times come back as ISO 8601 in UTC with milliseconds, whatever form they were written in. */
function isoOf(time: string): string {
  return isoAt(Date.parse(time));
}
