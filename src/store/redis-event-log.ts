// The events feed in Redis: a stream of compact entries beside the webhook queue (one `{webhooks}` slot),
// each event's deliveries in one hash field, and every multi-key step one script.
import * as check from './checks';
import {
  comparePositions,
  decodeLogEntry,
  parsePosition,
  typeCode,
  typeOfCode,
} from './event-log-codec';
import { CorruptRecordError } from './errors';
import { defineEventLogScripts } from './event-log-scripts';
import type { WebhookQueueKeys } from './keys';
import { FEED_RETENTION_MS } from './retention';
import type { RedisClient } from './scripts';
import type { EventLog, FeedEntry, FeedQuery } from './store';
import { encodeQueueEntry } from './webhook-queue-codec';

/** A stream entry as ioredis returns it: [id, [field, value, …]]. */
type StreamItem = [string, string[]];

function toFeedEntry([position, flat]: StreamItem): FeedEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  const { w, o, t, b } = fields;
  if (w === undefined || o === undefined)
    throw new CorruptRecordError('A feed entry lacks its ids.');
  return {
    position,
    webhook_id: w,
    onboarding_id: o,
    type: typeOfCode(t),
    recordedAtMs: parsePosition(position)[0],
    body: b ?? null,
  };
}

/** XRANGE bounds for a query: after a position (exclusive), from a time (inclusive), to a time. */
export function rangeOf(query: FeedQuery): { start: string; end: string } {
  const after = query.after;
  const from = query.fromMs === undefined ? null : `${query.fromMs}-0`;
  let start = '-';
  if (after !== undefined && (from === null || comparePositions(after, from) >= 0))
    start = `(${after}`;
  else if (from !== null) start = from;
  return { start, end: query.toMs === undefined ? '+' : String(query.toMs) };
}

export function createRedisEventLog(redis: RedisClient, keys: WebhookQueueKeys): EventLog {
  const scripts = defineEventLogScripts(redis, keys);

  return {
    async record(events, nowMs, deliver) {
      check.timeMs('nowMs', nowMs);
      const groups = events.flatMap((event) => [
        check.webhookId(event.webhook_id),
        check.onboardingId(event.onboarding_id),
        typeCode(event.type),
        event.keepBody ? event.body : '',
        deliver
          ? encodeQueueEntry({
              webhook_id: event.webhook_id,
              onboarding_id: event.onboarding_id,
              body: event.body,
              enqueued_at: nowMs,
            })
          : '',
      ]);
      if (groups.length === 0) return 0;
      // At least 1: an exclusive range end of `(0-0` is refused by Redis.
      return scripts.record(nowMs, Math.max(1, nowMs - FEED_RETENTION_MS), groups);
    },

    async read(query) {
      check.readLimit(query.limit);
      if (query.after !== undefined) parsePosition(query.after);
      if (query.fromMs !== undefined) check.timeMs('fromMs', query.fromMs);
      if (query.toMs !== undefined) check.timeMs('toMs', query.toMs);
      const { start, end } = rangeOf(query);
      const items = (await redis.xrange(
        keys.feed,
        start,
        end,
        'COUNT',
        query.limit,
      )) as StreamItem[];
      return items.map(toFeedEntry);
    },

    async lastPosition() {
      const [newest] = (await redis.xrevrange(keys.feed, '+', '-', 'COUNT', 1)) as StreamItem[];
      return newest ? newest[0] : null;
    },

    async find(webhookId) {
      const logged = await redis.hget(keys.log, check.webhookId(webhookId));
      if (logged === null) return null;
      const { state, position, attempts } = decodeLogEntry(logged);
      const [item] = (await redis.xrange(keys.feed, position, position)) as StreamItem[];
      // Trimmed between the two reads: past the retention.
      if (!item) return null;
      return { entry: toFeedEntry(item), state, attempts };
    },

    async replayMark() {
      return Number((await redis.get(keys.queued)) ?? 0);
    },

    async requeue(events, mark, nowMs) {
      check.timeMs('nowMs', nowMs);
      check.replayMark(mark);
      const pairs = events.flatMap((event) => [
        check.webhookId(event.webhook_id),
        encodeQueueEntry({
          webhook_id: event.webhook_id,
          onboarding_id: check.onboardingId(event.onboarding_id),
          body: event.body,
          enqueued_at: nowMs,
        }),
      ]);
      return pairs.length === 0 ? 0 : scripts.requeue(nowMs, mark, pairs);
    },
  };
}
