// Schemas of the events feed: its query (validated at the edge) and its page.
import { z } from 'zod';
import { pageQuery } from '../http/request-schemas';
import { eventBody, eventType, webhookId } from '../webhooks/schemas';

/** A feed cursor: the position of the last event a page read. */
export const FEED_CURSOR_PATTERN = /^\d{1,15}-\d{1,15}$/;

export const eventsQuery = z.strictObject({
  after: z
    .string()
    .regex(FEED_CURSOR_PATTERN, 'must be a meta.next_cursor of this feed')
    .optional()
    .meta({
      description:
        'meta.next_cursor of the previous page (or of the last poll): only events recorded after it. Without it, the feed from its oldest event (30 days).',
    }),
  type: eventType.optional(),
  limit: pageQuery.limit,
});
export type EventsQuery = z.output<typeof eventsQuery>;

/** One event of the feed: the webhook body plus its webhook-id. */
export const feedItem = z
  .strictObject({ id: webhookId.meta({ description: 'Its webhook-id.' }), ...eventBody.shape })
  .meta({ description: 'An event: the body its webhook carries, plus id (its webhook-id).' });

export const eventsPage = z.strictObject({
  meta: z.strictObject({
    request_id: z.string(),
    next_cursor: z.string().regex(FEED_CURSOR_PATTERN).meta({
      description:
        'Always present: pass it as after for the next page; at the end of the feed, the cursor to poll from later.',
    }),
  }),
  data: z.array(feedItem),
});
