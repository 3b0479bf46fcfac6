// The WebhookQueue contract: one behaviour suite that every queue implementation must pass.
import { randomBytes } from 'node:crypto';
import { InvalidCursorError, InvalidKeyError } from '../../src/store/errors';
import type { OutboxEvent, QueuedWebhook, WebhookQueue } from '../../src/store/store';
import { newOnboardingId } from './onboarding-fixtures';

export interface WebhookQueueFixture {
  queue: WebhookQueue;
  cleanup(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T12:00:00Z');
const LEASE = 30_000;
const DAY = 24 * 3600 * 1000;

function outboxEvent(body: unknown = { type: 'login.completed' }): OutboxEvent {
  return { webhook_id: `msg_${randomBytes(6).toString('hex')}`, body: JSON.stringify(body) };
}

function idsOf(webhooks: QueuedWebhook[]): string[] {
  return webhooks.map((webhook) => webhook.webhook_id);
}

export function describeWebhookQueueContract(
  name: string,
  setup: () => Promise<WebhookQueueFixture>,
): void {
  describe(`${name} (WebhookQueue contract)`, () => {
    let fixture: WebhookQueueFixture;
    let queue: WebhookQueue;

    beforeEach(async () => {
      fixture = await setup();
      ({ queue } = fixture);
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    /** Enqueues one event for a fresh onboarding at `now`; returns the event and its onboarding. */
    async function enqueued(now = T0, event = outboxEvent()) {
      const onboardingId = newOnboardingId();
      await queue.enqueueWebhooks(onboardingId, [event], now);
      return { event, onboardingId };
    }

    /** Enqueues, claims and dead-letters one event at `deadAt`. */
    async function deadLettered(deadAt: number, attempts = 5, lastError = 'HTTP 500') {
      const { event, onboardingId } = await enqueued(deadAt - 1000);
      await queue.claimDue(deadAt - 1000, LEASE, 1000);
      await queue.deadLetterWebhook(event.webhook_id, attempts, lastError, deadAt);
      return { event, onboardingId };
    }

    describe('enqueueing and claiming', () => {
      it('hands out an enqueued webhook with its body verbatim and no attempts yet', async () => {
        const body = {
          type: 'login.completed',
          data: { n: 2 ** 60, s: 'ž 🐎 "q" \n \u0000', e: [] },
        };
        const { event, onboardingId } = await enqueued(T0, outboxEvent(body));

        const items = await queue.claimDue(T0, LEASE, 10);

        expect(items).toStrictEqual([
          {
            webhook_id: event.webhook_id,
            onboarding_id: onboardingId,
            body: event.body,
            attempts: 0,
            enqueued_at: T0,
            last_error: null,
          },
        ]);
      });

      it('does not hand out a claimed webhook again until its lease has passed, then does', async () => {
        const { event } = await enqueued();
        await queue.claimDue(T0, LEASE, 10);

        await expect(queue.claimDue(T0 + LEASE - 1, LEASE, 10)).resolves.toEqual([]);
        const again = await queue.claimDue(T0 + LEASE, LEASE, 10);

        expect(idsOf(again)).toEqual([event.webhook_id]);
      });

      it('enqueues the same event once, whether sent twice in one call or in two calls', async () => {
        const event = outboxEvent();
        const onboardingId = newOnboardingId();
        await queue.enqueueWebhooks(onboardingId, [event, event], T0);
        await queue.enqueueWebhooks(onboardingId, [event], T0 + 1000);

        const items = await queue.claimDue(T0 + 1000, LEASE, 10);

        expect(idsOf(items)).toEqual([event.webhook_id]);
        expect(items[0]?.enqueued_at).toBe(T0);
        await expect(queue.stats(T0 + 1000)).resolves.toMatchObject({ depth: 1 });
      });

      it('enqueues nothing for an empty outbox', async () => {
        await queue.enqueueWebhooks(newOnboardingId(), [], T0);

        await expect(queue.claimDue(T0 + 10 * LEASE, LEASE, 10)).resolves.toEqual([]);
        await expect(queue.stats(T0)).resolves.toMatchObject({ depth: 0 });
      });

      it('does not re-enqueue a webhook that is queued and leased', async () => {
        const { event, onboardingId } = await enqueued();
        await queue.claimDue(T0, LEASE, 10);

        await queue.enqueueWebhooks(onboardingId, [event], T0 + 1000);

        await expect(queue.claimDue(T0 + 1000, LEASE, 10)).resolves.toEqual([]);
      });

      it('hands out at most `max` items, the earliest due first', async () => {
        const first = await enqueued(T0);
        const second = await enqueued(T0 + 1);
        const third = await enqueued(T0 + 2);

        const claimed = await queue.claimDue(T0 + 10, LEASE, 2);
        const rest = await queue.claimDue(T0 + 10, LEASE, 2);

        expect(idsOf(claimed)).toEqual([first.event.webhook_id, second.event.webhook_id]);
        expect(idsOf(rest)).toEqual([third.event.webhook_id]);
      });

      it('hands out nothing before an item is due', async () => {
        await enqueued(T0);
        await expect(queue.claimDue(T0 - 1, LEASE, 10)).resolves.toEqual([]);
      });

      it('rejects a max, lease or time it cannot honour', async () => {
        await expect(queue.claimDue(T0, LEASE, 0)).rejects.toThrow(RangeError);
        await expect(queue.claimDue(T0, 0, 10)).rejects.toThrow(RangeError);
        await expect(queue.claimDue(T0 + 0.5, LEASE, 10)).rejects.toThrow(RangeError);
      });

      it('rejects webhook and onboarding ids that would break the key layout', async () => {
        await expect(
          queue.enqueueWebhooks(newOnboardingId(), [{ webhook_id: 'a{b}', body: '{}' }], T0),
        ).rejects.toThrow(InvalidKeyError);
        await expect(queue.enqueueWebhooks('onb {x}', [outboxEvent()], T0)).rejects.toThrow(
          InvalidKeyError,
        );
        await expect(queue.ackWebhook('', T0)).rejects.toThrow(InvalidKeyError);
      });
    });

    describe('acknowledging', () => {
      it('removes a delivered webhook and skips a later enqueue of the same id', async () => {
        const { event, onboardingId } = await enqueued();
        await queue.claimDue(T0, LEASE, 10);

        await queue.ackWebhook(event.webhook_id, T0 + 100);
        await queue.enqueueWebhooks(onboardingId, [event], T0 + 200);

        await expect(queue.claimDue(T0 + 10 * LEASE, LEASE, 10)).resolves.toEqual([]);
        await expect(queue.stats(T0 + 200)).resolves.toEqual({
          depth: 0,
          oldestAgeMs: null,
          deadLetters: 0,
        });
      });

      it('forgets delivered ids after seven days, when a later ack trims them', async () => {
        const { event, onboardingId } = await enqueued();
        await queue.ackWebhook(event.webhook_id, T0);
        const later = await enqueued(T0 + 7 * DAY + 1);
        await queue.ackWebhook(later.event.webhook_id, T0 + 7 * DAY + 1);

        await queue.enqueueWebhooks(onboardingId, [event], T0 + 7 * DAY + 2);

        const items = await queue.claimDue(T0 + 7 * DAY + 2, LEASE, 10);
        expect(idsOf(items)).toEqual([event.webhook_id]);
      });
    });

    describe('rescheduling', () => {
      it('records attempts and last error and makes the webhook due at the new time only', async () => {
        const { event } = await enqueued();
        await queue.claimDue(T0, LEASE, 10);

        await queue.rescheduleWebhook(event.webhook_id, T0 + 5000, 1, 'HTTP 500');

        await expect(queue.claimDue(T0 + 4999, LEASE, 10)).resolves.toEqual([]);
        const [item] = await queue.claimDue(T0 + 5000, LEASE, 10);
        expect(item).toMatchObject({
          webhook_id: event.webhook_id,
          attempts: 1,
          last_error: 'HTTP 500',
          enqueued_at: T0,
        });
      });

      it('can make a webhook due later than its lease would', async () => {
        const { event } = await enqueued();
        await queue.claimDue(T0, LEASE, 10);

        await queue.rescheduleWebhook(event.webhook_id, T0 + 10 * LEASE, 2, 'timeout');

        await expect(queue.claimDue(T0 + LEASE, LEASE, 10)).resolves.toEqual([]);
        await expect(queue.claimDue(T0 + 10 * LEASE, LEASE, 10)).resolves.toHaveLength(1);
      });

      it('does nothing to a webhook that is no longer queued', async () => {
        const { event } = await enqueued();
        await queue.ackWebhook(event.webhook_id, T0);

        await queue.rescheduleWebhook(event.webhook_id, T0 + 1000, 1, 'HTTP 500');

        await expect(queue.claimDue(T0 + 1000, LEASE, 10)).resolves.toEqual([]);
        await expect(queue.stats(T0 + 1000)).resolves.toMatchObject({ depth: 0 });
      });
    });

    describe('dead letters', () => {
      it('moves a given-up webhook to dead letters with its attempts and last error', async () => {
        const { event, onboardingId } = await enqueued();
        await queue.claimDue(T0, LEASE, 10);

        await queue.deadLetterWebhook(event.webhook_id, 7, 'HTTP 410', T0 + 1000);

        await expect(queue.claimDue(T0 + 100 * LEASE, LEASE, 10)).resolves.toEqual([]);
        await expect(queue.listDeadLetters(10)).resolves.toStrictEqual({
          items: [
            {
              webhook_id: event.webhook_id,
              onboarding_id: onboardingId,
              body: event.body,
              attempts: 7,
              enqueued_at: T0,
              last_error: 'HTTP 410',
              dead_at: T0 + 1000,
            },
          ],
          nextCursor: null,
        });
      });

      it('does not re-enqueue a dead webhook when its outbox is relayed again', async () => {
        const { event, onboardingId } = await deadLettered(T0);

        await queue.enqueueWebhooks(onboardingId, [event], T0 + 1000);

        await expect(queue.claimDue(T0 + 1000, LEASE, 10)).resolves.toEqual([]);
        await expect(queue.stats(T0 + 1000)).resolves.toMatchObject({ depth: 0, deadLetters: 1 });
      });

      it('redelivers a dead letter: due now, attempts and last error reset, enqueued_at kept', async () => {
        const { event } = await deadLettered(T0 + 5000);

        await expect(queue.redeliverDeadLetter(event.webhook_id, T0 + 9000)).resolves.toBe(true);

        await expect(queue.claimDue(T0 + 8999, LEASE, 10)).resolves.toEqual([]);
        const [item] = await queue.claimDue(T0 + 9000, LEASE, 10);
        expect(item).toMatchObject({
          webhook_id: event.webhook_id,
          attempts: 0,
          last_error: null,
          enqueued_at: T0 + 4000,
        });
        await expect(queue.listDeadLetters(10)).resolves.toEqual({ items: [], nextCursor: null });
        await expect(queue.redeliverDeadLetter(event.webhook_id, T0 + 9000)).resolves.toBe(false);
      });

      it('answers false when asked to redeliver a webhook it does not hold as dead', async () => {
        const { event } = await enqueued();
        await expect(queue.redeliverDeadLetter('msg_unknown', T0)).resolves.toBe(false);
        await expect(queue.redeliverDeadLetter(event.webhook_id, T0)).resolves.toBe(false);
      });

      it('redelivers a dead letter even after a late ack from an instance whose lease ran out', async () => {
        const { event } = await deadLettered(T0);
        await queue.ackWebhook(event.webhook_id, T0 + 1);

        await expect(queue.redeliverDeadLetter(event.webhook_id, T0 + 2)).resolves.toBe(true);

        await expect(queue.claimDue(T0 + 2, LEASE, 10)).resolves.toHaveLength(1);
      });

      it('does nothing when dead-lettering a webhook that is no longer queued', async () => {
        const { event } = await enqueued();
        await queue.ackWebhook(event.webhook_id, T0);

        await queue.deadLetterWebhook(event.webhook_id, 3, 'HTTP 400', T0);

        await expect(queue.listDeadLetters(10)).resolves.toEqual({ items: [], nextCursor: null });
      });

      it('lists dead letters newest first across pages, including ones that died the same ms', async () => {
        const dead: string[] = [];
        for (const deadAt of [T0, T0 + 1000, T0 + 1000, T0 + 1000, T0 + 2000]) {
          dead.push((await deadLettered(deadAt)).event.webhook_id);
        }
        const pages: string[][] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 10; guard++) {
          const page = await queue.listDeadLetters(2, cursor);
          pages.push(page.items.map((item) => item.webhook_id));
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }

        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        const tied = dead.slice(1, 4).sort().reverse();
        expect(pages.flat()).toEqual([dead[4], ...tied, dead[0]]);
      });

      it('rejects a dead-letter cursor it did not issue with InvalidCursorError', async () => {
        for (const cursor of [
          'garbage!',
          'eyJ4IjoxfQ',
          Buffer.from('[1,2]').toString('base64url'),
        ]) {
          await expect(queue.listDeadLetters(10, cursor)).rejects.toThrow(InvalidCursorError);
        }
      });
    });

    describe('releasing leases', () => {
      it('makes leased webhooks due again at the given time', async () => {
        const first = await enqueued();
        const second = await enqueued();
        const items = await queue.claimDue(T0, LEASE, 10);
        expect(items).toHaveLength(2);

        for (const item of items) await queue.releaseLease(item.webhook_id, T0 + 10);

        await expect(queue.claimDue(T0 + 9, LEASE, 10)).resolves.toEqual([]);
        const again = await queue.claimDue(T0 + 10, LEASE, 10);
        expect(idsOf(again).sort()).toEqual(
          [first.event.webhook_id, second.event.webhook_id].sort(),
        );
      });

      it('does not bring back an item that was acknowledged meanwhile', async () => {
        const { event } = await enqueued();
        await queue.claimDue(T0, LEASE, 10);
        await queue.ackWebhook(event.webhook_id, T0 + 1);

        await queue.releaseLease(event.webhook_id, T0 + 2);

        await expect(queue.claimDue(T0 + 2, LEASE, 10)).resolves.toEqual([]);
      });
    });

    describe('stats', () => {
      it('reports an empty queue', async () => {
        await expect(queue.stats(T0)).resolves.toEqual({
          depth: 0,
          oldestAgeMs: null,
          deadLetters: 0,
        });
      });

      it('counts queued webhooks (leased or not), the oldest age and dead letters', async () => {
        await enqueued(T0);
        await enqueued(T0 + 1000);
        await enqueued(T0 + 2000);
        await queue.claimDue(T0 + 2000, LEASE, 1);
        await deadLettered(T0 + 3000);

        await expect(queue.stats(T0 + 10_000)).resolves.toEqual({
          depth: 3,
          oldestAgeMs: 10_000,
          deadLetters: 1,
        });
      });

      it('ages from the oldest still queued, and counts a redelivered dead letter at its first enqueue', async () => {
        const first = await enqueued(T0);
        await enqueued(T0 + 4000);
        await queue.ackWebhook(first.event.webhook_id, T0 + 5000);
        await expect(queue.stats(T0 + 5000)).resolves.toMatchObject({ oldestAgeMs: 1000 });

        const dead = await deadLettered(T0 + 3000);
        await queue.redeliverDeadLetter(dead.event.webhook_id, T0 + 6000);

        await expect(queue.stats(T0 + 6000)).resolves.toEqual({
          depth: 2,
          oldestAgeMs: 4000,
          deadLetters: 0,
        });
      });
    });
  });
}
