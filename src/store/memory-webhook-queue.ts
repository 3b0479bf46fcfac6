// The webhook queue in memory, for sandbox mode: the Redis queue's semantics with Maps, one call at a time;
// its state is shared with the in-memory events feed (memory-event-log.ts).
import * as check from './checks';
import { DELIVERED_RETENTION_MS } from './retention';
import {
  encodeAttempt,
  MAX_LOGGED_ATTEMPTS,
  storedAttempt,
  type LogEntry,
} from './event-log-codec';
import type {
  DeadLetter,
  DeliveryAttempt,
  DeliveryState,
  EventType,
  QueuedWebhook,
  WebhookQueue,
} from './store';
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

/** One feed entry in memory: the Redis stream entry's fields. */
export interface MemoryFeedItem {
  position: string;
  webhookId: string;
  onboardingId: string;
  type: EventType;
  body: string | null;
}

/**
 * The queue's and the events feed's state, shared by the memory queue and the memory event log as the
 * `{webhooks}` keys are by their Redis scripts.
 */
export interface MemoryWebhookState {
  due: Map<string, number>;
  entries: Map<string, QueueEntry>;
  /** Queued or dead webhooks' attempts and last error (the `attempts` hash); absent means none yet. */
  progress: Map<string, DeliveryProgress>;
  dead: Map<string, DeadEntry>;
  delivered: Map<string, number>;
  /** The feed, oldest first. */
  feed: MemoryFeedItem[];
  /** webhook_id → its log entry (the `log` hash). */
  log: Map<string, LogEntry>;
  /** The queueing counter (the `queued` string). */
  queued: { count: number };
}

export function newMemoryWebhookState(): MemoryWebhookState {
  return {
    due: new Map(),
    entries: new Map(),
    progress: new Map(),
    dead: new Map(),
    delivered: new Map(),
    feed: [],
    log: new Map(),
    queued: { count: 0 },
  };
}

/**
 * For an event the feed recorded: sets its delivery state, appends the attempt (the newest
 * MAX_LOGGED_ATTEMPTS kept) and sets its queueing mark, as the scripts' log_delivery does. Whether the
 * feed holds it.
 */
export function logDelivery(
  state: MemoryWebhookState,
  webhookId: string,
  change: { state?: DeliveryState; attempt?: DeliveryAttempt; mark?: number },
): boolean {
  const entry = state.log.get(webhookId);
  if (!entry) return false;
  if (change.state) entry.state = change.state;
  if (change.attempt) {
    entry.attempts.push(storedAttempt(change.attempt));
    if (entry.attempts.length > MAX_LOGGED_ATTEMPTS) entry.attempts.shift();
  }
  if (change.mark !== undefined) entry.mark = change.mark;
  return true;
}

/**
 * Mirrors the Redis layout (a due set of `w:` members, entries apart from attempts). No method
 * awaits before it is done, so each call is atomic, as a script is in Redis.
 */
export function createMemoryWebhookQueue(
  state: MemoryWebhookState = newMemoryWebhookState(),
): WebhookQueue {
  const { due, entries, progress, dead, delivered } = state;

  function progressOf(webhookId: string): DeliveryProgress {
    return progress.get(webhookId) ?? NO_PROGRESS;
  }

  return {
    async enqueueWebhooks(onboardingId, events, nowMs) {
      check.onboardingId(onboardingId);
      check.timeMs('nowMs', nowMs);
      events.forEach((event) => check.webhookId(event.webhook_id));
      for (const { webhook_id: id, body } of events) {
        if (entries.has(id) || dead.has(id) || delivered.has(id) || state.log.has(id)) continue;
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

    async ackWebhook(webhookId, nowMs, attempt) {
      const id = check.webhookId(webhookId);
      check.timeMs('nowMs', nowMs);
      if (attempt) encodeAttempt(attempt);
      due.delete(webhookMember(id));
      if (entries.delete(id)) progress.delete(id);
      if (!logDelivery(state, id, { state: 'delivered', attempt })) delivered.set(id, nowMs);
      const forgetBefore = nowMs - DELIVERED_RETENTION_MS;
      for (const [other, at] of delivered) if (at < forgetBefore) delivered.delete(other);
    },

    async rescheduleWebhook(webhookId, atMs, attempts, lastError, attempt) {
      const id = check.webhookId(webhookId);
      check.timeMs('atMs', atMs);
      check.attempts(attempts);
      if (attempt) encodeAttempt(attempt);
      if (!entries.has(id)) return;
      progress.set(id, { attempts, last_error: lastError });
      due.set(webhookMember(id), atMs);
      logDelivery(state, id, { attempt });
    },

    async deadLetterWebhook(webhookId, attempts, lastError, nowMs, attempt) {
      const id = check.webhookId(webhookId);
      check.attempts(attempts);
      check.timeMs('nowMs', nowMs);
      if (attempt) encodeAttempt(attempt);
      const entry = entries.get(id);
      if (!entry) return;
      logDelivery(state, id, { state: 'dead', attempt });
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
      logDelivery(state, id, { state: 'pending', mark: ++state.queued.count });
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
