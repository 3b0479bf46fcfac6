// Onboarding request schemas (validated once at the edge, unknown fields refused) and answer schemas.
import { z } from 'zod';
import { AppError } from '../errors';
import { dataAnswer, pageAnswer } from '../http/envelope-schemas';
import { pageQuery } from '../http/request-schemas';
import { LINK_ID_PATTERN } from '../supermetrics/types';
import { WEBHOOK_ID_PATTERN } from '../webhooks/schemas';
import { metadataProblem } from './metadata';

export { METADATA_MAX_BYTES } from './metadata';

export const ONBOARDING_ID_PATTERN = /^onb_[A-Za-z0-9_-]{10,64}$/;
export const onboardingId = z.string().regex(ONBOARDING_ID_PATTERN);

export const onboardingStatus = z.enum(['pending', 'completed', 'expired', 'cancelled']);

export const createOnboardingBody = z.strictObject({
  ds_id: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]{1,50}$/,
      'must be a data source id such as "GA" (letters, digits, _ . -, at most 50)',
    )
    .meta({ examples: ['GA'] }),
  create_link: z.enum(['now', 'on_open']).default('now').meta({
    description:
      '"now": the upstream link is created at once. "on_open": only when the customer opens the start link (no link slot is held until then).',
  }),
  expiry_time: z.string().trim().min(1).max(100).optional().meta({
    description:
      'A date, a datetime or a relative time ("24 hours"), as the upstream reads it. Default "24 hours"; with "on_open" the invitation\'s life, default "7 days", at most 90 days.',
  }),
  description: z.string().max(1000).default(''),
  require_username: z.string().min(1).max(255).optional(),
  return_url: z.string().max(2000).optional().meta({
    description: 'Where the browser goes after the callback; its origin must be allowed.',
  }),
  // Kept as the very object JSON.parse made (a rebuilt record would lose keys); checked without recursion.
  metadata: z
    .custom<Record<string, unknown>>()
    .superRefine((value, ctx) => {
      const problem = metadataProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ type: 'object', description: 'Any JSON object up to 4 KiB.' })
    .optional(),
});
export type CreateOnboardingBody = z.output<typeof createOnboardingBody>;

export const listOnboardingsQuery = z.strictObject({
  status: onboardingStatus.optional(),
  ...pageQuery,
});
export type ListOnboardingsQuery = z.output<typeof listOnboardingsQuery>;

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;
// The header as the document shows it; idempotencyKeyOf checks the same pattern.
export const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY_PATTERN).optional().meta({
  description:
    'Makes a retried POST return the first result (scoped to your API key, kept 24 hours); the same key with another body is refused (422).',
});

const isoTime = z.iso.datetime();

/** The wire form of an onboarding (toOnboardingView); the state is never in it. */
export const onboarding = z
  .strictObject({
    onboarding_id: onboardingId,
    status: onboardingStatus,
    ds_id: z.string().meta({ examples: ['GA'] }),
    ds_name: z.string().meta({ examples: ['Google Analytics'] }),
    link_id: z
      .string()
      .regex(LINK_ID_PATTERN)
      .nullable()
      .meta({ description: 'The newest link, then the one the login came from; null before any.' }),
    login_url: z
      .url()
      .nullable()
      .meta({ description: "The newest link's login page; null before any link." }),
    links: z
      .array(
        z.strictObject({
          link_id: z.string().regex(LINK_ID_PATTERN),
          status: z.enum(['OPEN', 'CLOSED', 'EXPIRED']),
          created_time: isoTime,
          expiry_time: isoTime,
        }),
      )
      .meta({ description: 'Every upstream link of the onboarding, newest first.' }),
    description: z.string(),
    require_username: z.string().nullable(),
    return_url: z.url().nullable(),
    metadata: z
      .record(z.string(), z.unknown())
      .meta({ description: 'Your JSON object, at most 4 KiB.' })
      .nullable(),
    created_time: isoTime,
    expiry_time: isoTime,
    completed_time: isoTime.nullable(),
    completed_via: z.enum(['callback', 'reconciliation']).nullable(),
    login_id: z.string().nullable(),
    login_username: z.string().nullable(),
    login_time: isoTime.nullable(),
    last_error: z
      .strictObject({ code: z.string(), message: z.string(), time: isoTime })
      .meta({ description: 'The last failed callback of a pending onboarding.' })
      .nullable(),
    webhook_ids: z.array(z.string().regex(WEBHOOK_ID_PATTERN)).meta({
      description:
        'The webhook-id of each event the onboarding raised (login.completed, onboarding.expired), oldest first: GET /v1/webhooks/{webhook_id} shows its deliveries.',
    }),
  })
  .meta({ description: 'An onboarding. The state value is never returned.' });

/** The creation's answer (and its idempotent replay, and a re-issued start link): with start_url. */
export const onboardingWithStartUrl = onboarding
  .extend({
    start_url: z.url().nullable().meta({
      description:
        'The start link PUBLIC_URL/start/<token>, shown only here. Null in a replay whose start link was re-issued since.',
    }),
  })
  .meta({ description: 'An onboarding with its start link (shown once, like an API key).' });

export const onboardingAnswer = dataAnswer(onboarding);
export const onboardingWithStartUrlAnswer = dataAnswer(onboardingWithStartUrl);
export const onboardingPage = pageAnswer(onboarding);

const linkId = z.string().regex(LINK_ID_PATTERN);
const webhookId = z.string().regex(WEBHOOK_ID_PATTERN);

/** One entry of an onboarding's history (toHistoryView). */
export const historyEntry = z
  .union([
    z.strictObject({
      type: z.enum(['created', 'start_opened', 'expired', 'cancelled']),
      time: isoTime,
    }),
    z.strictObject({
      type: z.enum(['link_created', 'link_closed']),
      time: isoTime,
      link_id: linkId,
    }),
    z.strictObject({ type: z.literal('callback_failed'), time: isoTime, code: z.string() }),
    z.strictObject({
      type: z.literal('completed'),
      time: isoTime,
      completed_via: z.enum(['callback', 'reconciliation']),
      link_id: linkId,
    }),
    z.strictObject({
      type: z.enum(['webhook_delivered', 'webhook_failed']),
      time: isoTime,
      webhook_id: webhookId,
      status: z.int().min(100).max(999),
    }),
    z.strictObject({
      type: z.literal('webhook_failed'),
      time: isoTime,
      webhook_id: webhookId,
      error: z.string().meta({ description: 'Why no answer came.' }),
    }),
  ])
  .meta({
    description:
      'start_opened: the customer pressed Continue on the start page and was sent to a login page. link_closed: the receiver closed the link.',
  });

export const historyAnswer = z.strictObject({
  meta: z.strictObject({
    request_id: z.string(),
    omitted: z.int().min(0).meta({
      description: 'Entries left out between the first and the newest (at most 100 are kept).',
    }),
  }),
  data: z.array(historyEntry).meta({ description: 'Oldest first.' }),
});

export function assertOnboardingId(id: string): void {
  if (!ONBOARDING_ID_PATTERN.test(id)) throw new AppError('NOT_FOUND', 'No such onboarding.');
}
