// The webhook queue in Redis: one due set of webhooks, every step one script on one slot.
import * as check from './checks';
import { DELIVERED_RETENTION_MS } from './retention';
import type { WebhookQueueKeys } from './keys';
import type { RedisClient, StoreScripts } from './scripts';
import type {
  DeadLetter,
  OutboxEvent,
  QueuedWebhook,
  WebhookQueue,
  WebhookQueueStats,
} from './store';
import {
  asDeadLetterPosition,
  asIndexPosition,
  decodeDeadLetterCursor,
  decodeProgress,
  decodeQueueEntry,
  encodeDeadLetterCursor,
  encodeProgress,
  encodeQueueEntry,
  toQueuedWebhook,
  webhookMember,
} from './webhook-queue-codec';
import { defineWebhookQueueScripts, type WebhookQueueScripts } from './webhook-queue-scripts';

export class RedisWebhookQueue implements WebhookQueue {
  private readonly scripts: WebhookQueueScripts;

  /** `indexPage` is the store's score-descending page script, reused for dead letters. */
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: WebhookQueueKeys,
    private readonly indexPage: StoreScripts['indexPage'],
  ) {
    this.scripts = defineWebhookQueueScripts(redis, keys);
  }

  async enqueueWebhooks(onboardingId: string, events: OutboxEvent[], nowMs: number): Promise<void> {
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
    if (pairs.length > 0) await this.scripts.enqueue(nowMs, pairs);
  }

  async claimDue(nowMs: number, leaseMs: number, max: number): Promise<QueuedWebhook[]> {
    check.timeMs('nowMs', nowMs);
    const flat = await this.scripts.claim(
      nowMs,
      nowMs + check.leaseMs(leaseMs),
      check.claimMax(max),
    );
    const webhooks: QueuedWebhook[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const entry = decodeQueueEntry(flat[i] as string);
      webhooks.push(toQueuedWebhook(entry, decodeProgress(flat[i + 1])));
    }
    return webhooks;
  }

  async ackWebhook(webhookId: string, nowMs: number): Promise<void> {
    check.timeMs('nowMs', nowMs);
    await this.scripts.ack(check.webhookId(webhookId), nowMs, nowMs - DELIVERED_RETENTION_MS);
  }

  async rescheduleWebhook(
    webhookId: string,
    atMs: number,
    attempts: number,
    lastError: string,
  ): Promise<void> {
    const progress = encodeProgress({ attempts: check.attempts(attempts), last_error: lastError });
    await this.scripts.reschedule(check.webhookId(webhookId), check.timeMs('atMs', atMs), progress);
  }

  async deadLetterWebhook(
    webhookId: string,
    attempts: number,
    lastError: string,
    nowMs: number,
  ): Promise<void> {
    const progress = encodeProgress({ attempts: check.attempts(attempts), last_error: lastError });
    await this.scripts.deadLetter(
      check.webhookId(webhookId),
      check.timeMs('nowMs', nowMs),
      progress,
    );
  }

  async releaseLease(webhookId: string, atMs: number): Promise<void> {
    await this.redis.zadd(
      this.keys.due,
      'XX',
      check.timeMs('atMs', atMs),
      webhookMember(webhookId),
    );
  }

  async listDeadLetters(
    limit: number,
    cursor?: string,
  ): Promise<{ items: DeadLetter[]; nextCursor: string | null }> {
    check.listLimit(limit);
    const after = cursor === undefined ? null : decodeDeadLetterCursor(cursor);
    // One entry of lookahead tells whether there is a next page.
    const entries = await this.indexPage(
      this.keys.dead,
      after === null ? null : asIndexPosition(after),
      limit + 1,
    );
    const positions = entries.map(asDeadLetterPosition);
    const page = positions.slice(0, limit);
    const ids = page.map((p) => p.webhookId);
    const letters = ids.length === 0 ? [] : await this.readDeadLetters(ids);
    const items: DeadLetter[] = [];
    for (const [i, position] of page.entries()) {
      const letter = letters[i];
      // Gone between the two reads: redelivered meanwhile.
      if (letter) items.push({ ...letter, dead_at: position.deadAt });
    }
    const last = page[page.length - 1];
    return {
      items,
      nextCursor: positions.length > limit && last ? encodeDeadLetterCursor(last) : null,
    };
  }

  private async readDeadLetters(ids: string[]): Promise<(QueuedWebhook | null)[]> {
    const replies = await this.redis
      .multi()
      .hmget(this.keys.deadEvents, ...ids)
      .hmget(this.keys.attempts, ...ids)
      .exec();
    const [entries, progress] = execResults(replies) as [(string | null)[], (string | null)[]];
    return entries.map((entry, i) =>
      entry === null ? null : toQueuedWebhook(decodeQueueEntry(entry), decodeProgress(progress[i])),
    );
  }

  async redeliverDeadLetter(webhookId: string, nowMs: number): Promise<boolean> {
    const id = check.webhookId(webhookId);
    return (await this.scripts.redeliver(id, check.timeMs('nowMs', nowMs))) === 1;
  }

  async stats(nowMs: number): Promise<WebhookQueueStats> {
    check.timeMs('nowMs', nowMs);
    const replies = await this.redis
      .multi()
      .hlen(this.keys.events)
      .zrange(this.keys.enqueued, 0, 0, 'WITHSCORES')
      .zcard(this.keys.dead)
      .exec();
    const [depth, oldest, deadLetters] = execResults(replies) as [number, string[], number];
    const oldestAt = oldest[1];
    return {
      depth,
      oldestAgeMs: oldestAt === undefined ? null : Math.max(0, nowMs - Number(oldestAt)),
      deadLetters,
    };
  }
}

type ExecReply = [Error | null, unknown][] | null;

function execResults(replies: ExecReply): unknown[] {
  if (replies === null) throw new Error('The webhook queue transaction was discarded.');
  const failed = replies.find(([err]) => err !== null);
  if (failed) throw failed[0];
  return replies.map(([, value]) => value);
}
