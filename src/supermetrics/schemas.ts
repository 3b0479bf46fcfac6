// Zod schemas for the upstream's success bodies, capped at the API reference's field lengths; compiled once.
import { z } from 'zod';
import type { LoginLink, LoginLinkSummary } from './types';

// Times are checked as bounded strings, not parsed: the upstream's ISO 8601 flavour (+00:00
// offsets, no millis) is its own, and a stricter check would turn a harmless quirk into an outage.
const text = (max: number) => z.string().max(max);
const nullableText = (max: number) => z.string().max(max).nullable();

const linkFields = {
  link_id: text(50),
  status_code: z.enum(['OPEN', 'CLOSED', 'EXPIRED']),
  description: text(1000),
  ds_id: text(50),
  ds_name: text(255),
  require_username: text(255),
  user_id: text(50),
  user_email: text(255),
  login_url: text(500),
  created_time: text(50),
  expiry_time: text(50),
};

const redirectAndLoginFields = {
  redirect_url: text(500),
  redirect_verifier: text(255),
  login_id: nullableText(50),
  login_time: nullableText(50),
  login_username: nullableText(255),
};

// Unknown extra fields are stripped (zod's default): the upstream may add fields at any time.
export const loginLinkSchema: z.ZodType<LoginLink> = z.object({
  ...linkFields,
  ...redirectAndLoginFields,
});

// The API reference lists no redirect or login fields for GET /ds/login/links entries; accept them if they
// ever appear.
export const loginLinkSummarySchema: z.ZodType<LoginLinkSummary> = z.object({
  ...linkFields,
  redirect_url: redirectAndLoginFields.redirect_url.optional(),
  redirect_verifier: redirectAndLoginFields.redirect_verifier.optional(),
  login_id: redirectAndLoginFields.login_id.optional(),
  login_time: redirectAndLoginFields.login_time.optional(),
  login_username: redirectAndLoginFields.login_username.optional(),
});

const metaSchema = z.object({ request_id: text(50) });

/** The success envelope of one entity: `{ meta: { request_id }, data }`. */
export interface SuccessBody<T> {
  meta: { request_id: string };
  data: T;
}

export const linkBodySchema: z.ZodType<SuccessBody<LoginLink>> = z.object({
  meta: metaSchema,
  data: loginLinkSchema,
});

export const linkListBodySchema: z.ZodType<SuccessBody<LoginLinkSummary[]>> = z.object({
  meta: metaSchema,
  data: z.array(loginLinkSummarySchema),
});

/** Names the failing paths and issue codes only: values could be anything the body echoed. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ');
}
