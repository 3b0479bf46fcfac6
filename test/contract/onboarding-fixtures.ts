// Builders for store contract tests: onboarding records, completions and outbox events.
import { createHash, randomBytes } from 'node:crypto';
import { isoSeconds, type Clock } from '../../src/lib/clock';
import type {
  Completion,
  EventRef,
  EventType,
  OnboardingLink,
  OnboardingRecord,
  OnboardingStore,
  OutboxEvent,
} from '../../src/store/store';

export function newOnboardingId(): string {
  return `onb_${randomBytes(12).toString('base64url')}`;
}

export function newState(): string {
  return randomBytes(32).toString('base64url');
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

export function newLinkId(): string {
  return `lnk${randomBytes(6).toString('hex')}`;
}

/** An OPEN upstream link created "now" by the clock, living an hour. */
export function linkFor(clock: Clock, overrides: Partial<OnboardingLink> = {}): OnboardingLink {
  const linkId = overrides.link_id ?? newLinkId();
  return {
    link_id: linkId,
    status: 'OPEN',
    created_time: isoSeconds(clock.now()),
    expiry_time: isoSeconds(clock.now() + 3600 * 1000),
    login_url: `https://login.example.test/ds/login/${linkId}`,
    state_hash: hashState(newState()),
    sent_time: null,
    recycled_time: null,
    ...overrides,
  };
}

/**
 * A pending record created "now" by the clock, with its link made at creation: `links` holds that one
 * link (its link_id, login_url and state_hash), unless the overrides say otherwise.
 */
export function pendingRecord(
  clock: Clock,
  overrides: Partial<OnboardingRecord> = {},
): OnboardingRecord {
  const linkId = overrides.link_id === undefined ? newLinkId() : overrides.link_id;
  const loginUrl = `https://login.example.test/ds/login/${linkId ?? 'none'}`;
  const stateHash = overrides.state_hash ?? hashState(newState());
  const link =
    linkId === null
      ? null
      : linkFor(clock, {
          link_id: linkId,
          login_url: overrides.login_url ?? loginUrl,
          state_hash: stateHash,
          expiry_time: overrides.expiry_time ?? isoSeconds(clock.now() + 24 * 3600 * 1000),
        });
  return {
    onboarding_id: newOnboardingId(),
    status: 'pending',
    ds_id: 'GA',
    ds_name: 'Google Analytics',
    create_link: 'now',
    link_id: linkId,
    login_url: link === null ? null : link.login_url,
    links: link === null ? [] : [link],
    description: 'Connect your analytics',
    require_username: null,
    return_url: null,
    metadata: null,
    created_time: isoSeconds(clock.now()),
    expiry_time: isoSeconds(clock.now() + 24 * 3600 * 1000),
    completed_time: null,
    login_id: null,
    login_username: null,
    login_time: null,
    user_id: null,
    completed_via: null,
    last_error: null,
    state_hash: stateHash,
    verifier_hash: null,
    start_token_hash: null,
    start_token_sealed: null,
    link_lock_until: null,
    rev: 0,
    events: [],
    ...overrides,
  };
}

export function completionFor(
  record: OnboardingRecord,
  clock: Clock,
  overrides: Partial<Completion> = {},
): Completion {
  const linkId = overrides.link_id ?? record.link_id;
  if (linkId === null) throw new Error('completionFor: the record has no link; pass a link_id.');
  return {
    link_id: linkId,
    login_id: 'login_1',
    login_username: 'ada@example.test',
    login_time: isoSeconds(clock.now()),
    user_id: 'user_7',
    completed_time: isoSeconds(clock.now()),
    completed_via: 'callback',
    verifier_hash: hashState('verifier-of-the-link'),
    ...overrides,
  };
}

/** An event raised by a change of the record (its body is built from the record). */
export function eventFor(
  record: OnboardingRecord,
  webhookId = `msg_${randomBytes(6).toString('hex')}`,
  type: EventType = 'login.completed',
): EventRef {
  return { webhook_id: webhookId, type, time: record.created_time };
}

/** A webhook with its body, as the delivery queue takes it. */
export function webhookFor(
  record: OnboardingRecord,
  webhookId = `msg_${randomBytes(6).toString('hex')}`,
): OutboxEvent {
  const body = { type: 'login.completed', data: { onboarding_id: record.onboarding_id } };
  return { webhook_id: webhookId, body: JSON.stringify(body) };
}

/** The events written on the stored record ([] when it is gone). */
export async function eventsOf(
  store: Pick<OnboardingStore, 'getOnboarding'>,
  onboardingId: string,
): Promise<EventRef[]> {
  return (await store.getOnboarding(onboardingId))?.events ?? [];
}

/** The fields the release before invitations wrote; it had no link list, start token, lock or rev. */
const PREVIOUS_RELEASE_FIELDS = [
  'onboarding_id',
  'status',
  'ds_id',
  'ds_name',
  'link_id',
  'login_url',
  'description',
  'require_username',
  'return_url',
  'metadata',
  'created_time',
  'expiry_time',
  'completed_time',
  'login_id',
  'login_username',
  'login_time',
  'user_id',
  'completed_via',
  'last_error',
  'state_hash',
  'verifier_hash',
] as const satisfies readonly (keyof OnboardingRecord)[];

/** The Redis hash the previous release would have written for this record (nulls left out). */
export function previousReleaseFields(record: OnboardingRecord): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of PREVIOUS_RELEASE_FIELDS) {
    const value = record[name];
    if (value === null) continue;
    fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return fields;
}
