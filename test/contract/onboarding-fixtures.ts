// Builders for store contract tests: onboarding records, completions and outbox events.
import { createHash, randomBytes } from 'node:crypto';
import { isoSeconds, type Clock } from '../../src/lib/clock';
import type { Completion, OnboardingRecord, OutboxEvent } from '../../src/store/store';

export function newOnboardingId(): string {
  return `onb_${randomBytes(12).toString('base64url')}`;
}

export function newState(): string {
  return randomBytes(32).toString('base64url');
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/** A pending record created "now" by the clock. */
export function pendingRecord(
  clock: Clock,
  overrides: Partial<OnboardingRecord> = {},
): OnboardingRecord {
  return {
    onboarding_id: newOnboardingId(),
    status: 'pending',
    ds_id: 'GA',
    ds_name: 'Google Analytics',
    link_id: `lnk${randomBytes(6).toString('hex')}`,
    login_url: 'https://login.example.test/ds/login/abc',
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
    state_hash: hashState(newState()),
    verifier_hash: null,
    ...overrides,
  };
}

export function completionFor(
  record: OnboardingRecord,
  clock: Clock,
  overrides: Partial<Completion> = {},
): Completion {
  return {
    link_id: record.link_id,
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

export function eventFor(
  record: OnboardingRecord,
  webhookId = `msg_${randomBytes(6).toString('hex')}`,
): OutboxEvent {
  return {
    webhook_id: webhookId,
    body: JSON.stringify({
      type: 'login.completed',
      data: { onboarding_id: record.onboarding_id },
    }),
  };
}
