// Schemas of the webhook API: dead letters, one webhook's deliveries, replay (validated at the edge), and
// the event body every webhook carries.
import { z } from 'zod';
import { dataAnswer, pageAnswer } from '../http/envelope-schemas';
import { pageQuery } from '../http/request-schemas';

export const WEBHOOK_ID_PATTERN = /^msg_[A-Za-z0-9_-]{1,64}$/;
export const webhookId = z.string().regex(WEBHOOK_ID_PATTERN);

export const deadLettersQuery = z.strictObject(pageQuery);

const isoTime = z.iso.datetime();

export const eventType = z
  .enum(['login.completed', 'onboarding.expired'])
  .meta({ description: 'login.completed, or onboarding.expired when one ends unused.' });

/** The body a webhook carries (README "Webhook"). */
export const eventBody = z
  .strictObject({
    type: eventType,
    timestamp: isoTime,
    data: z.record(z.string(), z.unknown()).meta({
      description:
        'onboarding_id, link_id, ds_id, ds_name, login_id, login_username, login_time, user_id, metadata, completed_via (and expiry_time for onboarding.expired).',
    }),
  })
  .meta({ description: 'The JSON body the webhook carries.' });

/** The wire form of a dead letter (toDeadLetterView). */
export const deadLetter = z.strictObject({
  webhook_id: webhookId,
  onboarding_id: z.string(),
  body: z.string().meta({ description: 'The exact JSON body that was POSTed.' }),
  attempts: z.int().min(0),
  last_error: z.string().nullable(),
  enqueued_time: isoTime,
  dead_time: isoTime,
});

export const deadLetterPage = pageAnswer(deadLetter);

export const redeliverAnswer = dataAnswer(
  z.strictObject({ webhook_id: webhookId, status: z.literal('queued') }),
);

const durationMs = z.int().min(0).meta({ description: 'How long the attempt took, in ms.' });

/** One delivery attempt: the receiver's HTTP status, or why no answer came. */
export const deliveryAttempt = z.union([
  z.strictObject({ time: isoTime, status: z.int().min(100).max(999), duration_ms: durationMs }),
  z.strictObject({
    time: isoTime,
    error: z.string().meta({ examples: ['timeout', 'network error ECONNREFUSED'] }),
    duration_ms: durationMs,
  }),
]);

/** The wire form of one webhook's deliveries (toDeliveriesView). */
export const webhookDeliveries = z.strictObject({
  webhook_id: webhookId,
  event: eventBody,
  state: z.enum(['pending', 'delivered', 'dead']).meta({
    description:
      'pending: queued or retrying (or never sent: WEBHOOK_URL was unset); delivered: a 2xx came; dead: a dead letter.',
  }),
  attempts: z
    .array(deliveryAttempt)
    .meta({ description: 'Every attempt, oldest first (the newest 100).' }),
});

export const webhookDeliveriesAnswer = dataAnswer(webhookDeliveries);

const replayTime = z.iso.datetime({ offset: true });

export const replayBody = z.strictObject({
  since: replayTime.meta({
    description: 'Events recorded at or after this time (at most 30 days ago).',
  }),
  until: replayTime.meta({
    description: 'Events recorded at or before this time (at most 7 days after since).',
  }),
  type: eventType.optional(),
});
export type ReplayBody = z.output<typeof replayBody>;

export const replayAnswer = dataAnswer(
  z.strictObject({
    queued: z.int().min(0).meta({
      description: 'Events queued again; one still waiting in the queue is not counted.',
    }),
  }),
);
