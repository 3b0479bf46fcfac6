// Schemas of the dead-letter API: its list query and webhook id (validated at the edge), and its answers.
import { z } from 'zod';
import { dataAnswer, pageAnswer } from '../http/envelope-schemas';
import { pageQuery } from '../http/request-schemas';

export const WEBHOOK_ID_PATTERN = /^msg_[A-Za-z0-9_-]{1,64}$/;
export const webhookId = z.string().regex(WEBHOOK_ID_PATTERN);

export const deadLettersQuery = z.strictObject(pageQuery);

const isoTime = z.iso.datetime();

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
