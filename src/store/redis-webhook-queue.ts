// The webhook queue in Redis: one due set of webhooks, every step one script on one slot.
import * as check from './checks';
import { DELIVERED_RETENTION_MS } from './retention';
import type { WebhookQueueKeys } from './keys';
import type { RedisClient, StoreScripts } from './scripts';
import { encodeAttempt } from './event-log-codec';
import type { DeadLetter, DeliveryAttempt, QueuedWebhook, WebhookQueue } from './store';
import {
  asDeadLetterPosition,
  asIndexPosition,
  decodeDeadLetterCursor,
  decodeProgress,
  decodeQueueEntry,
  encodeProgress,
  encodeQueueEntry,
  nextDeadLetterCursor,
  toQueuedWebhook,
  webhookMember,
} from './webhook-queue-codec';
import { defineWebhookQueueScripts } from './webhook-queue-scripts';

/** `indexPage` is the store's score-descending page script, reused for dead letters. */
export function createRedisWebhookQueue(
  redis: RedisClient,
  keys: WebhookQueueKeys,
  indexPage: StoreScripts['indexPage'],
): WebhookQueue {
  const scripts = defineWebhookQueueScripts(redis, keys);

  async function readDeadLetters(ids: string[]): Promise<(QueuedWebhook | null)[]> {
    const replies = await redis
      .multi()
      .hmget(keys.deadEvents, ...ids)
      .hmget(keys.attempts, ...ids)
      .exec();
    const [entries, progress] = execResults(replies) as [(string | null)[], (string | null)[]];
    return entries.map((entry, i) =>
      entry === null ? null : toQueuedWebhook(decodeQueueEntry(entry), decodeProgress(progress[i])),
    );
  }

  return {
    async enqueueWebhooks(onboardingId, events, nowMs) {
      check.onboardingId(onboardingId);
      check.timeMs('nowMs', nowMs);
      const pairs = events.flatMap((event) => [
        check.webhookId(event.webhook_id),
        encodeQueueEntry({
          webhook_id: event.webhook_id,
          onboarding_id: onboardingId,
          body: event.body,
          enqueued_at: nowMs,
        }),
      ]);
      if (pairs.length > 0) await scripts.enqueue(nowMs, pairs);
    },

    async claimDue(nowMs, leaseMs, max) {
      check.timeMs('nowMs', nowMs);
      const flat = await scripts.claim(nowMs, nowMs + check.leaseMs(leaseMs), check.claimMax(max));
      const webhooks: QueuedWebhook[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const entry = decodeQueueEntry(flat[i] as string);
        webhooks.push(toQueuedWebhook(entry, decodeProgress(flat[i + 1])));
      }
      return webhooks;
    },

    async ackWebhook(webhookId, nowMs, attempt) {
      check.timeMs('nowMs', nowMs);
      const id = check.webhookId(webhookId);
      await scripts.ack(id, nowMs, nowMs - DELIVERED_RETENTION_MS, encodedAttempt(attempt));
    },

    async rescheduleWebhook(webhookId, atMs, attempts, lastError, attempt) {
      const progress = encodeProgress({
        attempts: check.attempts(attempts),
        last_error: lastError,
      });
      const id = check.webhookId(webhookId);
      await scripts.reschedule(id, check.timeMs('atMs', atMs), progress, encodedAttempt(attempt));
    },

    async deadLetterWebhook(webhookId, attempts, lastError, nowMs, attempt) {
      const progress = encodeProgress({
        attempts: check.attempts(attempts),
        last_error: lastError,
      });
      const id = check.webhookId(webhookId);
      const at = check.timeMs('nowMs', nowMs);
      await scripts.deadLetter(id, at, progress, encodedAttempt(attempt));
    },

    async releaseLease(webhookId, atMs) {
      await redis.zadd(keys.due, 'XX', check.timeMs('atMs', atMs), webhookMember(webhookId));
    },

    async listDeadLetters(limit, cursor) {
      check.listLimit(limit);
      const after = cursor === undefined ? null : decodeDeadLetterCursor(cursor);
      // One entry of lookahead tells whether there is a next page.
      const entries = await indexPage(
        keys.dead,
        after === null ? null : asIndexPosition(after),
        limit + 1,
      );
      const positions = entries.map(asDeadLetterPosition);
      const page = positions.slice(0, limit);
      const ids = page.map((p) => p.webhookId);
      const letters = ids.length === 0 ? [] : await readDeadLetters(ids);
      const items: DeadLetter[] = [];
      for (const [i, position] of page.entries()) {
        const letter = letters[i];
        // Gone between the two reads: redelivered meanwhile.
        if (letter) items.push({ ...letter, dead_at: position.deadAt });
      }
      return { items, nextCursor: nextDeadLetterCursor(positions, limit) };
    },

    async redeliverDeadLetter(webhookId, nowMs) {
      const id = check.webhookId(webhookId);
      return (await scripts.redeliver(id, check.timeMs('nowMs', nowMs))) === 1;
    },

    async stats(nowMs) {
      check.timeMs('nowMs', nowMs);
      const replies = await redis
        .multi()
        .hlen(keys.events)
        .zrange(keys.enqueued, 0, 0, 'WITHSCORES')
        .zcard(keys.dead)
        .exec();
      const [depth, oldest, deadLetters] = execResults(replies) as [number, string[], number];
      const oldestAt = oldest[1];
      return {
        depth,
        oldestAgeMs: oldestAt === undefined ? null : Math.max(0, nowMs - Number(oldestAt)),
        deadLetters,
      };
    },
  };
}

function encodedAttempt(attempt: DeliveryAttempt | undefined): string {
  return attempt === undefined ? '' : encodeAttempt(attempt);
}

type ExecReply = [Error | null, unknown][] | null;

function execResults(replies: ExecReply): unknown[] {
  if (replies === null) throw new Error('The webhook queue transaction was discarded.');
  const failed = replies.find(([err]) => err !== null);
  if (failed) throw failed[0];
  return replies.map(([, value]) => value);
}
