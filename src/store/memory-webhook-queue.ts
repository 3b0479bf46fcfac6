// The webhook queue in memory, for sandbox mode: the Redis queue's semantics with Maps, one call at a time.
import * as check from './checks';
import { DELIVERED_RETENTION_MS } from './retention';
import type { DeadLetter, QueuedWebhook, WebhookQueue } from './store';
import {
  compareDeadLettersNewestFirst,
  deadLetterComesAfter,
  decodeDeadLetterCursor,
  nextDeadLetterCursor,
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
export function createMemoryWebhookQueue(): WebhookQueue {
  const due = new Map<string, number>();
  const entries = new Map<string, QueueEntry>();
  /** Queued or dead webhooks' attempts and last error (the `attempts` hash); absent means none yet. */
  const progress = new Map<string, DeliveryProgress>();
  const dead = new Map<string, DeadEntry>();
  const delivered = new Map<string, number>();

  function progressOf(webhookId: string): DeliveryProgress {
    return progress.get(webhookId) ?? NO_PROGRESS;
  }

  return {
    async enqueueWebhooks(onboardingId, events, nowMs) {
      check.onboardingId(onboardingId);
      check.timeMs('nowMs', nowMs);
      events.forEach((event) => check.webhookId(event.webhook_id));
      for (const { webhook_id: id, body } of events) {
        if (entries.has(id) || dead.has(id) || delivered.has(id)) continue;
        entries.set(id, { webhook_id: id, onboarding_id: onboardingId, body, enqueued_at: nowMs });
        progress.delete(id);
        due.set(webhookMember(id), nowMs);
      }
    },

    async claimDue(nowMs, leaseMs, max) {
      check.timeMs('nowMs', nowMs);
      const leaseEnd = nowMs + check.leaseMs(leaseMs);
      const members = [...due]
        .filter(([, score]) => score <= nowMs)
        .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, check.claimMax(max))
        .map(([member]) => member);
      const webhooks: QueuedWebhook[] = [];
      for (const member of members) {
        const id = member.slice(2);
        const entry = entries.get(id);
        // A webhook gone meanwhile is dropped rather than handed out.
        if (!entry) {
          due.delete(member);
          continue;
        }
        due.set(member, leaseEnd);
        webhooks.push(toQueuedWebhook(entry, progressOf(id)));
      }
      return webhooks;
    },

    async ackWebhook(webhookId, nowMs) {
      const id = check.webhookId(webhookId);
      check.timeMs('nowMs', nowMs);
      due.delete(webhookMember(id));
      if (entries.delete(id)) progress.delete(id);
      delivered.set(id, nowMs);
      const forgetBefore = nowMs - DELIVERED_RETENTION_MS;
      for (const [other, at] of delivered) if (at < forgetBefore) delivered.delete(other);
    },

    async rescheduleWebhook(webhookId, atMs, attempts, lastError) {
      const id = check.webhookId(webhookId);
      check.timeMs('atMs', atMs);
      check.attempts(attempts);
      if (!entries.has(id)) return;
      progress.set(id, { attempts, last_error: lastError });
      due.set(webhookMember(id), atMs);
    },

    async deadLetterWebhook(webhookId, attempts, lastError, nowMs) {
      const id = check.webhookId(webhookId);
      check.attempts(attempts);
      check.timeMs('nowMs', nowMs);
      const entry = entries.get(id);
      if (!entry) return;
      dead.set(id, { entry, deadAt: nowMs });
      progress.set(id, { attempts, last_error: lastError });
      entries.delete(id);
      due.delete(webhookMember(id));
    },

    async releaseLease(webhookId, atMs) {
      const member = webhookMember(webhookId);
      check.timeMs('atMs', atMs);
      if (due.has(member)) due.set(member, atMs);
    },

    async listDeadLetters(limit, cursor) {
      check.listLimit(limit);
      const after = cursor === undefined ? null : decodeDeadLetterCursor(cursor);
      const positions = [...dead]
        .map(([webhookId, { deadAt }]) => ({ webhookId, deadAt }))
        .filter((position) => after === null || deadLetterComesAfter(position, after))
        .sort(compareDeadLettersNewestFirst);
      const page = positions.slice(0, limit);
      const items = page.map(({ webhookId, deadAt }): DeadLetter => {
        const { entry } = dead.get(webhookId) as DeadEntry;
        return { ...toQueuedWebhook(entry, progressOf(webhookId)), dead_at: deadAt };
      });
      return { items, nextCursor: nextDeadLetterCursor(positions, limit) };
    },

    async redeliverDeadLetter(webhookId, nowMs) {
      const id = check.webhookId(webhookId);
      check.timeMs('nowMs', nowMs);
      const letter = dead.get(id);
      if (!letter) return false;
      entries.set(id, letter.entry);
      progress.delete(id);
      due.set(webhookMember(id), nowMs);
      dead.delete(id);
      delivered.delete(id);
      return true;
    },

    async stats(nowMs) {
      check.timeMs('nowMs', nowMs);
      let oldest: number | null = null;
      for (const { enqueued_at } of entries.values()) {
        if (oldest === null || enqueued_at < oldest) oldest = enqueued_at;
      }
      return {
        depth: entries.size,
        oldestAgeMs: oldest === null ? null : Math.max(0, nowMs - oldest),
        deadLetters: dead.size,
      };
    },
  };
}
