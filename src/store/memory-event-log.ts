// The events feed in memory, for sandbox mode: the Redis feed's semantics over the state it shares with
// the in-memory webhook queue, one call at a time.
import * as check from './checks';
import { comparePositions, nextPosition, parsePosition, typeCode } from './event-log-codec';
import { webhookMember } from './webhook-queue-codec';
import { logDelivery, type MemoryFeedItem, type MemoryWebhookState } from './memory-webhook-queue';
import { FEED_RETENTION_MS } from './retention';
import type { EventLog, FeedEntry } from './store';

function toFeedEntry(item: MemoryFeedItem): FeedEntry {
  return {
    position: item.position,
    webhook_id: item.webhookId,
    onboarding_id: item.onboardingId,
    type: item.type,
    recordedAtMs: parsePosition(item.position)[0],
    body: item.body,
  };
}

/** No method awaits before it is done, so each call is atomic, as a script is in Redis. */
export function createMemoryEventLog(state: MemoryWebhookState): EventLog {
  const { feed, log } = state;

  /** Queues it due now unless it is queued, dead or delivered already (the record script's rule). */
  function enqueue(webhookId: string, onboardingId: string, body: string, nowMs: number) {
    if (state.dead.has(webhookId)) return 'dead';
    if (state.delivered.has(webhookId)) return 'delivered';
    if (!state.entries.has(webhookId)) {
      state.entries.set(webhookId, {
        webhook_id: webhookId,
        onboarding_id: onboardingId,
        body,
        enqueued_at: nowMs,
      });
      state.progress.delete(webhookId);
      state.due.set(webhookMember(webhookId), nowMs);
    }
    return 'pending';
  }

  function trim(retentionStart: number): void {
    while (feed.length > 0 && parsePosition(feed[0]!.position)[0] < retentionStart) {
      log.delete(feed.shift()!.webhookId);
    }
  }

  return {
    async record(events, nowMs, deliver) {
      check.timeMs('nowMs', nowMs);
      for (const event of events) {
        check.webhookId(event.webhook_id);
        check.onboardingId(event.onboarding_id);
        typeCode(event.type);
      }
      let recorded = 0;
      for (const event of events) {
        if (log.has(event.webhook_id)) continue;
        const newest = feed.length === 0 ? null : feed[feed.length - 1]!.position;
        const position = nextPosition(newest, nowMs);
        feed.push({
          position,
          webhookId: event.webhook_id,
          onboardingId: event.onboarding_id,
          type: event.type,
          body: event.keepBody ? event.body : null,
        });
        const queued = deliver
          ? enqueue(event.webhook_id, event.onboarding_id, event.body, nowMs)
          : 'pending';
        log.set(event.webhook_id, {
          state: queued,
          position,
          mark: deliver ? ++state.queued.count : 0,
          attempts: [],
        });
        recorded++;
      }
      trim(nowMs - FEED_RETENTION_MS);
      return recorded;
    },

    async read(query) {
      const limit = check.readLimit(query.limit);
      if (query.after !== undefined) parsePosition(query.after);
      if (query.fromMs !== undefined) check.timeMs('fromMs', query.fromMs);
      if (query.toMs !== undefined) check.timeMs('toMs', query.toMs);
      return feed
        .filter((item) => {
          const [ms] = parsePosition(item.position);
          return (
            (query.after === undefined || comparePositions(item.position, query.after) > 0) &&
            (query.fromMs === undefined || ms >= query.fromMs) &&
            (query.toMs === undefined || ms <= query.toMs)
          );
        })
        .slice(0, limit)
        .map(toFeedEntry);
    },

    async lastPosition() {
      return feed.length === 0 ? null : feed[feed.length - 1]!.position;
    },

    async find(webhookId) {
      const entry = log.get(check.webhookId(webhookId));
      const item = entry && feed.find((f) => f.position === entry.position);
      if (!entry || !item) return null;
      return {
        entry: toFeedEntry(item),
        state: entry.state,
        attempts: entry.attempts.map((attempt) => ({ ...attempt })),
      };
    },

    async replayMark() {
      return state.queued.count;
    },

    async requeue(events, mark, nowMs) {
      check.timeMs('nowMs', nowMs);
      check.replayMark(mark);
      for (const event of events) {
        check.webhookId(event.webhook_id);
        check.onboardingId(event.onboarding_id);
      }
      let queued = 0;
      for (const { webhook_id: id, onboarding_id: onboardingId, body } of events) {
        const entry = log.get(id);
        if (!entry || state.entries.has(id) || entry.mark > mark) continue;
        state.dead.delete(id);
        state.delivered.delete(id);
        enqueue(id, onboardingId, body, nowMs);
        logDelivery(state, id, { state: 'pending', mark: ++state.queued.count });
        queued++;
      }
      return queued;
    },
  };
}
