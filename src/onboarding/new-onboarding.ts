// A new onboarding's record: with its first upstream link ("now") or none yet ("on_open"), its start
// token's hash, and the expiry the invitation lives to.
import { AppError } from '../errors';
import { parseExpiryTime } from '../lib/expiry-time';
import type { LoginLink } from '../supermetrics/types';
import type { OnboardingLink, OnboardingRecord } from '../store/store';
import { dataSourceName } from '../supermetrics/data-sources';
import type { CreateOnboardingBody } from './schemas';

/** An invitation ("on_open") lives at most this long: the upstream removes links after 90 days. */
export const MAX_INVITATION_MS = 90 * 24 * 60 * 60 * 1000;
export const DEFAULT_EXPIRY = { now: '24 hours', on_open: '7 days' } as const;

/** What a new record needs besides the request body. */
export interface NewOnboardingParts {
  onboardingId: string;
  stateHash: string;
  startTokenHash: string;
  startTokenSealed: string | null;
  /** The start token sealed under the first link's state (see OnboardingLink.start_token_sealed). */
  linkStartTokenSealed: string | null;
  returnUrl: string | null;
  nowMs: number;
}

/** The invitation's end, read as the upstream reads expiry_time; 422 unless within 90 days. */
export function invitationExpiry(text: string, nowMs: number): string {
  const at = parseExpiryTime(text, nowMs);
  const field = { details: { field: 'expiry_time' } };
  if (at === null)
    throw new AppError(
      'UNPROCESSABLE_ENTITY',
      'Invalid field "expiry_time": a date, a datetime or a relative time such as "7 days".',
      field,
    );
  if (at <= nowMs || at > nowMs + MAX_INVITATION_MS)
    throw new AppError(
      'UNPROCESSABLE_ENTITY',
      'Invalid field "expiry_time": must be in the future and at most 90 days away.',
      field,
    );
  return new Date(at).toISOString();
}

export function linkEntry(
  link: LoginLink,
  stateHash: string,
  startTokenSealed: string | null = null,
): OnboardingLink {
  return {
    link_id: link.link_id,
    status: link.status_code,
    created_time: new Date(link.created_time).toISOString(),
    expiry_time: new Date(link.expiry_time).toISOString(),
    login_url: link.login_url,
    state_hash: stateHash,
    sent_time: null,
    recycled_time: null,
    start_token_sealed: startTokenSealed,
  };
}

export function newOnboardingRecord(
  body: CreateOnboardingBody,
  parts: NewOnboardingParts,
  link: LoginLink | null,
): OnboardingRecord {
  return {
    onboarding_id: parts.onboardingId,
    status: 'pending',
    ds_id: link?.ds_id ?? body.ds_id,
    ds_name: link?.ds_name ?? dataSourceName(body.ds_id),
    create_link: body.create_link,
    link_id: link?.link_id ?? null,
    login_url: link?.login_url ?? null,
    links: link ? [linkEntry(link, parts.stateHash, parts.linkStartTokenSealed)] : [],
    description: link?.description ?? body.description,
    require_username: body.require_username ?? null,
    return_url: parts.returnUrl,
    metadata: body.metadata ?? null,
    created_time: new Date(parts.nowMs).toISOString(),
    expiry_time: link
      ? new Date(link.expiry_time).toISOString()
      : invitationExpiry(body.expiry_time ?? DEFAULT_EXPIRY.on_open, parts.nowMs),
    completed_time: null,
    completed_via: null,
    login_id: null,
    login_username: null,
    login_time: null,
    user_id: null,
    last_error: null,
    state_hash: parts.stateHash,
    verifier_hash: null,
    start_token_hash: parts.startTokenHash,
    start_token_sealed: parts.startTokenSealed,
    link_lock_until: null,
    rev: 0,
    events: [],
  };
}
