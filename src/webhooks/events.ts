// Webhook event bodies (README "Webhook"), built when the onboarding changes so the outbox holds them.
import type { Clock } from '../lib/clock';
import { randomToken, type RandomSource } from '../lib/ids';
import type { Completion, OnboardingRecord, OutboxEvent } from '../store/store';

export function newWebhookId(random: RandomSource): string {
  return `msg_${randomToken(18, random)}`;
}

export function loginCompletedEvent(
  record: OnboardingRecord,
  completion: Completion,
  clock: Clock,
  random: RandomSource,
): OutboxEvent {
  const body = {
    type: 'login.completed',
    timestamp: new Date(clock.now()).toISOString(),
    data: {
      onboarding_id: record.onboarding_id,
      link_id: completion.link_id,
      ds_id: record.ds_id,
      ds_name: record.ds_name,
      login_id: completion.login_id,
      login_username: completion.login_username,
      login_time: completion.login_time,
      user_id: completion.user_id,
      metadata: record.metadata,
      completed_via: completion.completed_via,
    },
  };
  return { webhook_id: newWebhookId(random), body: JSON.stringify(body) };
}

/** `onboarding.expired`: the same data fields as login.completed, the login ones null. */
export function onboardingExpiredEvent(
  record: OnboardingRecord,
  clock: Clock,
  random: RandomSource,
): OutboxEvent {
  const body = {
    type: 'onboarding.expired',
    timestamp: new Date(clock.now()).toISOString(),
    data: {
      onboarding_id: record.onboarding_id,
      link_id: record.link_id,
      ds_id: record.ds_id,
      ds_name: record.ds_name,
      metadata: record.metadata,
      expiry_time: record.expiry_time,
      login_id: null,
      login_username: null,
      login_time: null,
      user_id: null,
      completed_via: null,
    },
  };
  return { webhook_id: newWebhookId(random), body: JSON.stringify(body) };
}
