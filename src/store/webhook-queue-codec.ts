// The webhook queue's stored strings and dead-letter cursors, shared by the Redis and in-memory queues.
import * as check from './checks';
import { CorruptRecordError } from './errors';
import {
  compareNewestFirst,
  comesAfter,
  decodeCursor,
  encodeCursor,
  type IndexPosition,
} from './list-cursor';
import type { QueuedWebhook } from './store';

/** What never changes while a webhook is queued or dead: stored once, copied as an opaque string. */
export interface QueueEntry {
  webhook_id: string;
  onboarding_id: string;
  body: string;
  enqueued_at: number;
}

/** What each attempt changes, stored apart from the entry so no script has to decode JSON. */
export interface DeliveryProgress {
  attempts: number;
  last_error: string | null;
}

/**
 * enqueued_at goes first, with a fixed key order: redeliver reads it back in Lua with this prefix
 * match (ENQUEUED_AT_LUA_PATTERN) instead of decoding the JSON.
 */
export function encodeQueueEntry(entry: QueueEntry): string {
  return JSON.stringify({
    enqueued_at: entry.enqueued_at,
    webhook_id: entry.webhook_id,
    onboarding_id: entry.onboarding_id,
    body: entry.body,
  });
}

export const ENQUEUED_AT_LUA_PATTERN = '^{"enqueued_at":(%d+),';

export function decodeQueueEntry(value: string): QueueEntry {
  let parsed: Partial<QueueEntry>;
  try {
    parsed = JSON.parse(value) as Partial<QueueEntry>;
  } catch {
    throw new CorruptRecordError('A queued webhook entry is not valid JSON.');
  }
  const { webhook_id, onboarding_id, body, enqueued_at } = parsed;
  if (
    typeof webhook_id !== 'string' ||
    typeof onboarding_id !== 'string' ||
    typeof body !== 'string' ||
    typeof enqueued_at !== 'number'
  ) {
    throw new CorruptRecordError('A queued webhook entry is missing a field.');
  }
  return { webhook_id, onboarding_id, body, enqueued_at };
}

export function encodeProgress(progress: DeliveryProgress): string {
  return JSON.stringify({ attempts: progress.attempts, last_error: progress.last_error });
}

/** No stored progress means no attempt yet. */
export function decodeProgress(value: string | null | undefined): DeliveryProgress {
  if (value === null || value === undefined || value === '') {
    return { attempts: 0, last_error: null };
  }
  try {
    const parsed = JSON.parse(value) as DeliveryProgress;
    return { attempts: parsed.attempts, last_error: parsed.last_error };
  } catch {
    throw new CorruptRecordError('A queued webhook attempt count is not valid JSON.');
  }
}

export function toQueuedWebhook(entry: QueueEntry, progress: DeliveryProgress): QueuedWebhook {
  return { ...entry, attempts: progress.attempts, last_error: progress.last_error };
}

/** A webhook's member in the due set: `w:<webhook_id>`. */
export function webhookMember(webhookId: string): string {
  return `w:${check.webhookId(webhookId)}`;
}

/** A dead-letter page position: the list cursor's (score, id) with dead_at and the webhook id. */
export interface DeadLetterPosition {
  deadAt: number;
  webhookId: string;
}

export function asIndexPosition(position: DeadLetterPosition): IndexPosition {
  return { score: position.deadAt, onboardingId: position.webhookId };
}

export function asDeadLetterPosition(position: IndexPosition): DeadLetterPosition {
  return { deadAt: position.score, webhookId: position.onboardingId };
}

/**
 * The cursor for the page after the first `limit` of `positions` (read newest first, at least one
 * beyond the page when there are more), or null when nothing follows.
 */
export function nextDeadLetterCursor(
  positions: DeadLetterPosition[],
  limit: number,
): string | null {
  const last = positions[limit - 1];
  return positions.length > limit && last ? encodeCursor(asIndexPosition(last)) : null;
}

/** Throws InvalidCursorError for anything nextDeadLetterCursor did not produce. */
export function decodeDeadLetterCursor(cursor: string): DeadLetterPosition {
  return asDeadLetterPosition(decodeCursor(cursor));
}

/** Newest first: dead_at descending, then id descending (as ZREVRANGEBYSCORE returns ties). */
export function deadLetterComesAfter(
  entry: DeadLetterPosition,
  position: DeadLetterPosition,
): boolean {
  return comesAfter(asIndexPosition(entry), asIndexPosition(position));
}

export function compareDeadLettersNewestFirst(
  a: DeadLetterPosition,
  b: DeadLetterPosition,
): number {
  return compareNewestFirst(asIndexPosition(a), asIndexPosition(b));
}
