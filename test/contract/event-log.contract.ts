// The EventLog contract: one behaviour suite that every storage's events feed (with its queue) must pass.
import { randomBytes } from 'node:crypto';
import { MAX_LOGGED_ATTEMPTS } from '../../src/store/event-log-codec';
import { InvalidCursorError, InvalidKeyError } from '../../src/store/errors';
import { FEED_RETENTION_MS } from '../../src/store/retention';
import type {
  DeliveryAttempt,
  EventLog,
  EventType,
  NewFeedEvent,
  WebhookQueue,
} from '../../src/store/store';
import { newOnboardingId } from './onboarding-fixtures';

export interface EventLogFixture {
  /** The feed and the queue of one storage (they share its `{webhooks}` slot). */
  events: EventLog;
  queue: WebhookQueue;
  /** The same storage through another connection: another instance. */
  otherEvents(): EventLog;
  cleanup(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T12:00:00Z');
const LEASE = 30_000;

function newEvent(overrides: Partial<NewFeedEvent> = {}): NewFeedEvent {
  const webhookId = overrides.webhook_id ?? `msg_${randomBytes(8).toString('hex')}`;
  const onboardingId = overrides.onboarding_id ?? newOnboardingId();
  const type: EventType = overrides.type ?? 'login.completed';
  return {
    webhook_id: webhookId,
    onboarding_id: onboardingId,
    type,
    body: JSON.stringify({ type, data: { onboarding_id: onboardingId } }),
    keepBody: false,
    ...overrides,
  };
}

function attempt(atMs: number, outcome: number | string, durationMs = 12): DeliveryAttempt {
  return typeof outcome === 'number'
    ? { atMs, status: outcome, error: null, durationMs }
    : { atMs, status: null, error: outcome, durationMs };
}

export function describeEventLogContract(
  name: string,
  setup: () => Promise<EventLogFixture>,
): void {
  describe(`${name} (EventLog contract)`, () => {
    let fixture: EventLogFixture;
    let events: EventLog;
    let queue: WebhookQueue;

    beforeEach(async () => {
      fixture = await setup();
      ({ events, queue } = fixture);
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const ids = (entries: { webhook_id: string }[]) => entries.map((e) => e.webhook_id);

    /** Records one event at `at` (delivered: queued too); returns it. */
    async function recorded(at = T0, deliver = true, overrides: Partial<NewFeedEvent> = {}) {
      const event = newEvent(overrides);
      await events.record([event], at, deliver);
      return event;
    }

    describe('recording and reading', () => {
      it('records events at the end of the feed, in order, each once by its webhook_id', async () => {
        const [a, b, c] = [newEvent(), newEvent({ type: 'onboarding.expired' }), newEvent()];
        await expect(events.record([a, b], T0, false)).resolves.toBe(2);
        await expect(events.record([c, a], T0 + 1000, false)).resolves.toBe(1);

        const feed = await events.read({ limit: 10 });
        expect(feed).toEqual([
          {
            position: expect.any(String),
            webhook_id: a.webhook_id,
            onboarding_id: a.onboarding_id,
            type: 'login.completed',
            recordedAtMs: T0,
            body: null,
          },
          expect.objectContaining({ webhook_id: b.webhook_id, type: 'onboarding.expired' }),
          expect.objectContaining({ webhook_id: c.webhook_id, recordedAtMs: T0 + 1000 }),
        ]);
        await expect(events.lastPosition()).resolves.toBe(feed[2]!.position);
      });

      it('reads after a position, from and to a time, at most limit', async () => {
        const first = await recorded(T0, false);
        const second = await recorded(T0 + 1000, false);
        const third = await recorded(T0 + 2000, false);
        const [p1, p2] = (await events.read({ limit: 10 })).map((e) => e.position);

        expect(ids(await events.read({ after: p1!, limit: 10 }))).toEqual([
          second.webhook_id,
          third.webhook_id,
        ]);
        expect(ids(await events.read({ after: p2!, limit: 10 }))).toEqual([third.webhook_id]);
        expect(ids(await events.read({ after: p1!, limit: 1 }))).toEqual([second.webhook_id]);
        expect(ids(await events.read({ fromMs: T0 + 1000, toMs: T0 + 1000, limit: 10 }))).toEqual([
          second.webhook_id,
        ]);
        expect(ids(await events.read({ toMs: T0 + 999, limit: 10 }))).toEqual([first.webhook_id]);
        // `after` and `fromMs` together: whichever is later.
        expect(ids(await events.read({ after: p2!, fromMs: T0, limit: 10 }))).toEqual([
          third.webhook_id,
        ]);
        expect(ids(await events.read({ after: p1!, fromMs: T0 + 2000, limit: 10 }))).toEqual([
          third.webhook_id,
        ]);
      });

      it('keeps a body only when asked (an outbox event of the previous release)', async () => {
        const kept = newEvent({ keepBody: true, body: '{"type":"login.completed","old":true}' });
        await events.record([kept, newEvent()], T0, false);
        const [first, second] = await events.read({ limit: 10 });
        expect(first!.body).toBe('{"type":"login.completed","old":true}');
        expect(second!.body).toBeNull();
      });

      it('records at any time, even within 30 days of the epoch (nothing to trim yet)', async () => {
        const early = await recorded(1000, false);
        expect(ids(await events.read({ limit: 10 }))).toEqual([early.webhook_id]);
      });

      it('has no position while empty', async () => {
        await expect(events.lastPosition()).resolves.toBeNull();
        await expect(events.read({ limit: 10 })).resolves.toEqual([]);
      });

      it('gives a later recording a later position even when its clock is behind', async () => {
        const early = await recorded(T0 + 5000, false);
        const late = await recorded(T0, false);
        const [p1, p2] = (await events.read({ limit: 10 })).map((e) => e.position);
        expect(ids(await events.read({ after: p1!, limit: 10 }))).toEqual([late.webhook_id]);
        expect(p1).not.toBe(p2);
        expect(early.webhook_id).not.toBe(late.webhook_id);
      });

      it('gives 100 concurrent recordings from two connections 100 distinct positions, none lost', async () => {
        const other = fixture.otherEvents();
        const batch = Array.from({ length: 100 }, () => newEvent());
        await Promise.all(
          batch.map((event, i) => (i % 2 === 0 ? events : other).record([event], T0, false)),
        );
        const feed = await events.read({ limit: 1000 });
        expect(new Set(ids(feed))).toEqual(new Set(ids(batch)));
        expect(new Set(feed.map((e) => e.position)).size).toBe(100);
      });

      it('drops events recorded more than 30 days before a recording, with their deliveries', async () => {
        const old = await recorded(T0);
        const kept = await recorded(T0 + 1000);
        await recorded(T0 + FEED_RETENTION_MS + 500);

        expect(ids(await events.read({ limit: 10 }))).not.toContain(old.webhook_id);
        expect(ids(await events.read({ limit: 10 }))).toContain(kept.webhook_id);
        await expect(events.find(old.webhook_id)).resolves.toBeNull();
        await expect(events.find(kept.webhook_id)).resolves.not.toBeNull();
      });
    });

    describe('delivering', () => {
      it('queues a recorded event with its body when delivering, and nothing otherwise', async () => {
        const silent = await recorded(T0, false);
        const sent = await recorded(T0, true);

        const claimed = await queue.claimDue(T0, LEASE, 10);
        expect(claimed).toEqual([
          expect.objectContaining({
            webhook_id: sent.webhook_id,
            onboarding_id: sent.onboarding_id,
            body: sent.body,
            attempts: 0,
          }),
        ]);
        expect((await events.find(silent.webhook_id))?.state).toBe('pending');
      });

      it('never queues an event twice by recording it again, delivered or not', async () => {
        const event = await recorded(T0);
        await expect(events.record([event], T0, true)).resolves.toBe(0);
        expect(await queue.claimDue(T0, LEASE, 10)).toHaveLength(1);
        await queue.ackWebhook(event.webhook_id, T0 + 10, attempt(T0, 200));
        await expect(events.record([event], T0 + 20, true)).resolves.toBe(0);
        expect(await queue.claimDue(T0 + 30, LEASE, 10)).toEqual([]);
        // Nor through the queue's own enqueue (a relay of the previous release's outbox).
        await queue.enqueueWebhooks(event.onboarding_id, [event], T0 + 40);
        expect(await queue.claimDue(T0 + 50, LEASE, 10)).toEqual([]);
      });

      it('logs each attempt with the state it led to: pending, then delivered', async () => {
        const event = await recorded(T0);
        await expect(events.find(event.webhook_id)).resolves.toEqual({
          entry: expect.objectContaining({ webhook_id: event.webhook_id }),
          state: 'pending',
          attempts: [],
        });
        await queue.claimDue(T0, LEASE, 10);
        await queue.rescheduleWebhook(event.webhook_id, T0 + 5000, 1, 'timeout', {
          atMs: T0,
          status: null,
          error: 'timeout',
          durationMs: 10000,
        });
        await queue.claimDue(T0 + 5000, LEASE, 10);
        await queue.ackWebhook(event.webhook_id, T0 + 5100, attempt(T0 + 5000, 204, 100));

        await expect(events.find(event.webhook_id)).resolves.toEqual({
          entry: expect.objectContaining({ webhook_id: event.webhook_id }),
          state: 'delivered',
          attempts: [
            { atMs: T0, status: null, error: 'timeout', durationMs: 10000 },
            { atMs: T0 + 5000, status: 204, error: null, durationMs: 100 },
          ],
        });
      });

      it('logs a dead letter as dead, and a redelivered one as pending, keeping its attempts', async () => {
        const event = await recorded(T0);
        await queue.claimDue(T0, LEASE, 10);
        await queue.deadLetterWebhook(event.webhook_id, 1, 'HTTP 410 (refused)', T0 + 10, {
          ...attempt(T0, 410),
        });
        expect(await events.find(event.webhook_id)).toMatchObject({
          state: 'dead',
          attempts: [{ status: 410 }],
        });
        await queue.redeliverDeadLetter(event.webhook_id, T0 + 20);
        expect(await events.find(event.webhook_id)).toMatchObject({
          state: 'pending',
          attempts: [{ status: 410 }],
        });
      });

      it(`keeps the newest ${MAX_LOGGED_ATTEMPTS} attempts, and an error without its separators`, async () => {
        const event = await recorded(T0);
        await queue.claimDue(T0, LEASE, 10);
        for (let i = 0; i < MAX_LOGGED_ATTEMPTS + 5; i++)
          await queue.rescheduleWebhook(event.webhook_id, T0, i + 1, 'x', attempt(T0 + i, 500));
        await queue.rescheduleWebhook(event.webhook_id, T0, 1, 'x', attempt(T0 + 999, 'a,b;c|d'));

        const found = await events.find(event.webhook_id);
        expect(found?.attempts).toHaveLength(MAX_LOGGED_ATTEMPTS);
        expect(found?.attempts[0]?.atMs).toBe(T0 + 6);
        expect(found?.attempts.at(-1)).toEqual(attempt(T0 + 999, 'a b c d'));
      });

      it('answers null for an event it never recorded', async () => {
        await expect(events.find('msg_neverrecorded')).resolves.toBeNull();
      });
    });

    describe('queueing again (replay)', () => {
      /** Records, claims and acknowledges (or dead-letters) one event. */
      async function settled(outcome: 'delivered' | 'dead') {
        const event = await recorded(T0);
        await queue.claimDue(T0, LEASE, 100);
        if (outcome === 'delivered') await queue.ackWebhook(event.webhook_id, T0, attempt(T0, 200));
        else await queue.deadLetterWebhook(event.webhook_id, 1, 'HTTP 410', T0, attempt(T0, 410));
        return event;
      }

      it('queues delivered and dead events again, due now, with the same id and attempts kept', async () => {
        const delivered = await settled('delivered');
        const dead = await settled('dead');
        const mark = await events.replayMark();

        await expect(events.requeue([delivered, dead], mark, T0 + 100)).resolves.toBe(2);

        const claimed = await queue.claimDue(T0 + 100, LEASE, 10);
        expect(new Set(ids(claimed))).toEqual(new Set([delivered.webhook_id, dead.webhook_id]));
        expect(claimed.find((c) => c.webhook_id === delivered.webhook_id)?.body).toBe(
          delivered.body,
        );
        expect((await queue.listDeadLetters(10)).items).toEqual([]);
        expect(await events.find(dead.webhook_id)).toMatchObject({
          state: 'pending',
          attempts: [{ status: 410 }],
        });
      });

      it('skips an event still waiting in the queue, and one queued since the mark', async () => {
        const waiting = await recorded(T0);
        const delivered = await settled('delivered');
        const mark = await events.replayMark();
        await expect(events.requeue([delivered], mark, T0 + 100)).resolves.toBe(1);
        await queue.claimDue(T0 + 100, LEASE, 10);
        await queue.ackWebhook(delivered.webhook_id, T0 + 200, attempt(T0 + 100, 200));

        // A second replay that took its mark before the first queued it: neither is queued again.
        await expect(events.requeue([waiting, delivered], mark, T0 + 300)).resolves.toBe(0);
        // One that begins afterwards queues the delivered one again.
        await expect(
          events.requeue([waiting, delivered], await events.replayMark(), T0 + 400),
        ).resolves.toBe(1);
      });

      it('queues each event once when 20 replays with one mark race from two connections', async () => {
        const batch = [
          await settled('delivered'),
          await settled('dead'),
          await settled('delivered'),
        ];
        const mark = await events.replayMark();
        const other = fixture.otherEvents();

        const counts = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? events : other).requeue(batch, mark, T0 + 100),
          ),
        );

        expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
        expect(await queue.claimDue(T0 + 100, LEASE, 10)).toHaveLength(3);
      });

      it('skips an event it never recorded', async () => {
        const never = newEvent();
        await expect(events.requeue([never], await events.replayMark(), T0)).resolves.toBe(0);
        expect(await queue.claimDue(T0, LEASE, 10)).toEqual([]);
      });
    });

    describe('refusing bad input', () => {
      it('refuses ids that would break a key, cursors it did not issue, and bad limits', async () => {
        await expect(
          events.record([newEvent({ webhook_id: 'msg_{x}' })], T0, true),
        ).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(
          events.record([newEvent({ onboarding_id: 'onb has space' })], T0, true),
        ).rejects.toBeInstanceOf(InvalidKeyError);
        for (const bad of ['', 'abc', '1-', '-1', '1-2-3', '(1-0', `${'9'.repeat(16)}-0`])
          await expect(events.read({ after: bad, limit: 10 })).rejects.toBeInstanceOf(
            InvalidCursorError,
          );
        for (const limit of [0, 1001, 1.5])
          await expect(events.read({ limit })).rejects.toThrow(RangeError);
        await expect(events.requeue([newEvent()], -1, T0)).rejects.toThrow(RangeError);
        await expect(events.find('msg has space')).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(events.read({ limit: 10 })).resolves.toEqual([]);
      });
    });
  });
}
