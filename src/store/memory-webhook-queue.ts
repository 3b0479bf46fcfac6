// The webhook queue in memory, for sandbox mode: the Redis queue's semantics with Maps, one call at a time.
import * as check from './checks';
import { DELIVERED_RETENTION_MS } from './retention';
import type {
  DeadLetter,
  OutboxEvent,
  QueuedWebhook,
  WebhookQueue,
  WebhookQueueStats,
} from './store';
import {
  compareDeadLettersNewestFirst,
  deadLetterComesAfter,
  decodeDeadLetterCursor,
  encodeDeadLetterCursor,
  toQueuedWebhook,
  webhookMember,
  type DeliveryProgress,
  type QueueEntry,
} from './webhook-queue-codec';

interface DeadEntry {
  entry: QueueEntry;
  deadAt: number;
}

const NO_PROGRESS: DeliveryProgress = { attempts: 0, last_error: null };

/**
 * Mirrors the Redis layout (a due set of `w:` members, entries apart from attempts). No method
 * awaits before it is done, so each call is atomic, as a script is in Redis.
 */
export class MemoryWebhookQueue implements WebhookQueue {
  private readonly due = new Map<string, number>();
  private readonly events = new Map<string, QueueEntry>();
  /** Queued or dead webhooks' attempts; absent means none yet. */
  private readonly attempts = new Map<string, DeliveryProgress>();
  private readonly dead = new Map<string, DeadEntry>();
  private readonly delivered = new Map<string, number>();

  async enqueueWebhooks(onboardingId: string, events: OutboxEvent[], nowMs: number): Promise<void> {
    check.onboardingId(onboardingId);
    check.timeMs('nowMs', nowMs);
    events.forEach((event) => check.webhookId(event.webhook_id));
    for (const { webhook_id: id, body } of events) {
      if (this.events.has(id) || this.dead.has(id) || this.delivered.has(id)) continue;
      this.events.set(id, {
        webhook_id: id,
        onboarding_id: onboardingId,
        body,
        enqueued_at: nowMs,
      });
      this.attempts.delete(id);
      this.due.set(webhookMember(id), nowMs);
    }
  }

  async claimDue(nowMs: number, leaseMs: number, max: number): Promise<QueuedWebhook[]> {
    check.timeMs('nowMs', nowMs);
    const leaseEnd = nowMs + check.leaseMs(leaseMs);
    const members = [...this.due]
      .filter(([, score]) => score <= nowMs)
      .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, check.claimMax(max))
      .map(([member]) => member);
    const webhooks: QueuedWebhook[] = [];
    for (const member of members) {
      const id = member.slice(2);
      const entry = this.events.get(id);
      // A webhook gone meanwhile is dropped rather than handed out.
      if (!entry) {
        this.due.delete(member);
        continue;
      }
      this.due.set(member, leaseEnd);
      webhooks.push(toQueuedWebhook(entry, this.progressOf(id)));
    }
    return webhooks;
  }

  async ackWebhook(webhookId: string, nowMs: number): Promise<void> {
    const id = check.webhookId(webhookId);
    check.timeMs('nowMs', nowMs);
    this.due.delete(webhookMember(id));
    if (this.events.delete(id)) this.attempts.delete(id);
    this.delivered.set(id, nowMs);
    const forgetBefore = nowMs - DELIVERED_RETENTION_MS;
    for (const [other, at] of this.delivered) if (at < forgetBefore) this.delivered.delete(other);
  }

  async rescheduleWebhook(
    webhookId: string,
    atMs: number,
    attempts: number,
    lastError: string,
  ): Promise<void> {
    const id = check.webhookId(webhookId);
    check.timeMs('atMs', atMs);
    check.attempts(attempts);
    if (!this.events.has(id)) return;
    this.attempts.set(id, { attempts, last_error: lastError });
    this.due.set(webhookMember(id), atMs);
  }

  async deadLetterWebhook(
    webhookId: string,
    attempts: number,
    lastError: string,
    nowMs: number,
  ): Promise<void> {
    const id = check.webhookId(webhookId);
    check.attempts(attempts);
    check.timeMs('nowMs', nowMs);
    const entry = this.events.get(id);
    if (!entry) return;
    this.dead.set(id, { entry, deadAt: nowMs });
    this.attempts.set(id, { attempts, last_error: lastError });
    this.events.delete(id);
    this.due.delete(webhookMember(id));
  }

  async releaseLease(webhookId: string, atMs: number): Promise<void> {
    const member = webhookMember(webhookId);
    check.timeMs('atMs', atMs);
    if (this.due.has(member)) this.due.set(member, atMs);
  }

  async listDeadLetters(
    limit: number,
    cursor?: string,
  ): Promise<{ items: DeadLetter[]; nextCursor: string | null }> {
    check.listLimit(limit);
    const after = cursor === undefined ? null : decodeDeadLetterCursor(cursor);
    const positions = [...this.dead]
      .map(([webhookId, { deadAt }]) => ({ webhookId, deadAt }))
      .filter((position) => after === null || deadLetterComesAfter(position, after))
      .sort(compareDeadLettersNewestFirst);
    const page = positions.slice(0, limit);
    const items = page.map(({ webhookId, deadAt }): DeadLetter => {
      const { entry } = this.dead.get(webhookId) as DeadEntry;
      return { ...toQueuedWebhook(entry, this.progressOf(webhookId)), dead_at: deadAt };
    });
    const last = page[page.length - 1];
    return {
      items,
      nextCursor: positions.length > limit && last ? encodeDeadLetterCursor(last) : null,
    };
  }

  async redeliverDeadLetter(webhookId: string, nowMs: number): Promise<boolean> {
    const id = check.webhookId(webhookId);
    check.timeMs('nowMs', nowMs);
    const dead = this.dead.get(id);
    if (!dead) return false;
    this.events.set(id, dead.entry);
    this.attempts.delete(id);
    this.due.set(webhookMember(id), nowMs);
    this.dead.delete(id);
    this.delivered.delete(id);
    return true;
  }

  async stats(nowMs: number): Promise<WebhookQueueStats> {
    check.timeMs('nowMs', nowMs);
    let oldest: number | null = null;
    for (const { enqueued_at } of this.events.values()) {
      if (oldest === null || enqueued_at < oldest) oldest = enqueued_at;
    }
    return {
      depth: this.events.size,
      oldestAgeMs: oldest === null ? null : Math.max(0, nowMs - oldest),
      deadLetters: this.dead.size,
    };
  }

  private progressOf(webhookId: string): DeliveryProgress {
    return this.attempts.get(webhookId) ?? NO_PROGRESS;
  }
}
