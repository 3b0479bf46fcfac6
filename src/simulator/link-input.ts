// Validates create and update request bodies at the edge, naming the offending field (422).
import { isoSeconds } from '../lib/clock';
import { parseExpiryTime } from '../lib/expiry-time';

export type Validated<T> = { ok: true; value: T } | { ok: false; description: string };

export interface CreateLinkFields {
  dsId: string;
  expiryMs: number;
  description: string;
  requireUsername: string;
  redirectUrl: string;
}

const MAX = { ds_id: 50, description: 1000, require_username: 255, redirect_url: 500 } as const;

function invalid(description: string): { ok: false; description: string } {
  return { ok: false, description };
}

function isObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** An optional string field: absent means "", anything but a string (null included) is refused. */
function optionalString(body: Record<string, unknown>, field: keyof typeof MAX): Validated<string> {
  const value = body[field];
  if (value === undefined) return { ok: true, value: '' };
  if (typeof value !== 'string') return invalid(`${field} must be a string.`);
  if (value.length > MAX[field])
    return invalid(`${field} must be at most ${MAX[field]} characters.`);
  return { ok: true, value };
}

function redirectUrlProblem(value: string): string | null {
  if (value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'redirect_url must be an absolute URL.';
  }
  return url.protocol === 'https:' ? null : 'redirect_url must use HTTPS.';
}

export function validateCreateLink(body: unknown, nowMs: number): Validated<CreateLinkFields> {
  if (!isObject(body)) return invalid('The request body must be a JSON object.');
  if (body.ds_id === undefined || body.ds_id === '') return invalid('ds_id is required.');
  if (typeof body.ds_id !== 'string') return invalid('ds_id must be a string.');
  if (body.ds_id.length > MAX.ds_id)
    return invalid(`ds_id must be at most ${MAX.ds_id} characters.`);
  if (body.expiry_time === undefined || body.expiry_time === '')
    return invalid('expiry_time is required.');
  if (typeof body.expiry_time !== 'string') return invalid('expiry_time must be a string.');
  const expiryMs = parseExpiryTime(body.expiry_time, nowMs);
  if (expiryMs === null)
    return invalid('expiry_time must be a date, a datetime or a relative time string.');
  if (expiryMs <= nowMs)
    return invalid(`expiry_time must be in the future (it reads as ${isoSeconds(expiryMs)}).`);

  const description = optionalString(body, 'description');
  if (!description.ok) return description;
  const requireUsername = optionalString(body, 'require_username');
  if (!requireUsername.ok) return requireUsername;
  const redirectUrl = optionalString(body, 'redirect_url');
  if (!redirectUrl.ok) return redirectUrl;
  const redirectProblem = redirectUrlProblem(redirectUrl.value);
  if (redirectProblem) return invalid(redirectProblem);

  return {
    ok: true,
    value: {
      dsId: body.ds_id,
      expiryMs,
      description: description.value,
      requireUsername: requireUsername.value,
      redirectUrl: redirectUrl.value,
    },
  };
}

/** The Supermetrics API reference lets an update change description only; any other field is refused. */
export function validateUpdateLink(body: unknown): Validated<{ description?: string }> {
  if (!isObject(body)) return invalid('The request body must be a JSON object.');
  const other = Object.keys(body).find((key) => key !== 'description');
  if (other !== undefined) return invalid(`${other} cannot be updated; only description can.`);
  if (body.description === undefined) return { ok: true, value: {} };
  const description = optionalString(body, 'description');
  return description.ok ? { ok: true, value: { description: description.value } } : description;
}
