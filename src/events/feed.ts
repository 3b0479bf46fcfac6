// GET /v1/events: the feed in the order events were recorded, from a cursor, with stable cursors.
import type { Clock } from '../lib/clock';
import { FEED_RETENTION_MS } from '../store/retention';
import type { EventLog, OnboardingStore } from '../store/store';
import { bodiesOf } from '../webhooks/bodies';
import type { EventsQuery } from './schemas';

/** A filtered page reads at most this many batches, then hands back the cursor it reached. */
const MAX_BATCHES = 10;
/** Before any event is recorded: the cursor that reads the feed from its start. */
export const FEED_START = '0-0';

export interface FeedDeps {
  events: EventLog;
  onboardings: Pick<OnboardingStore, 'getOnboarding'>;
  clock: Clock;
}

/** An event as the feed shows it: its webhook-id, then the body its webhook carries. */
export type FeedItemView = { id: string } & Record<string, unknown>;

export interface FeedPage {
  items: FeedItemView[];
  /** The position of the last event this page read past; at the end, the one to poll from later. */
  nextCursor: string;
}

export async function readFeed(deps: FeedDeps, query: EventsQuery): Promise<FeedPage> {
  const fromMs = Math.max(0, deps.clock.now() - FEED_RETENTION_MS);
  // Unfiltered, a batch is the page; filtered by type, read wider.
  const batchSize = query.type === undefined ? query.limit : Math.min(query.limit * 5, 500);
  const items: FeedItemView[] = [];
  let cursor = query.after;
  for (let batch = 0; batch < MAX_BATCHES && items.length < query.limit; batch++) {
    const entries = await deps.events.read({ after: cursor, fromMs, limit: batchSize });
    const wanted = entries.filter((e) => query.type === undefined || e.type === query.type);
    const bodies = await bodiesOf(deps.onboardings, wanted);
    for (const entry of entries) {
      if (items.length === query.limit) break;
      cursor = entry.position;
      const body = bodies.get(entry.webhook_id);
      if (body !== undefined && wanted.includes(entry))
        items.push({ id: entry.webhook_id, ...(JSON.parse(body) as Record<string, unknown>) });
    }
    if (entries.length < batchSize) break;
  }
  return {
    items,
    nextCursor: cursor ?? (await deps.events.lastPosition()) ?? FEED_START,
  };
}
