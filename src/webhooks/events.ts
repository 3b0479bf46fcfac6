// Webhook events (README "Webhook"): a new event's reference, and its body built from the onboarding's
// record. The record keeps every field the body carries, so the body is stored nowhere else: the
// delivery, a retry, a replay and the events feed all build the same bytes from the same record.
import { randomToken, type RandomSource } from '../lib/ids';
import type { EventRef, EventType, OnboardingRecord } from '../store/store';

export function newWebhookId(random: RandomSource): string {
  return `msg_${randomToken(18, random)}`;
}

/** A new event of this type raised at `time` (ISO 8601), with a fresh webhook-id. */
export function newEventRef(type: EventType, time: string, random: RandomSource): EventRef {
  return { webhook_id: newWebhookId(random), type, time };
}

/** The fields every event's data carries; the login ones are null unless it completed. */
function eventData(record: OnboardingRecord) {
  return {
    onboarding_id: record.onboarding_id,
    link_id: record.link_id,
    ds_id: record.ds_id,
    ds_name: record.ds_name,
    login_id: record.login_id,
    login_username: record.login_username,
    login_time: record.login_time,
    user_id: record.user_id,
    metadata: record.metadata,
    completed_via: record.completed_via,
  };
}

/** `login.completed`, from a record as its completion left it. */
function loginCompletedBody(record: OnboardingRecord, ref: EventRef) {
  return { type: ref.type, timestamp: ref.time, data: eventData(record) };
}

/** `onboarding.expired`: the same data fields as login.completed (the login ones null) and expiry_time. */
function onboardingExpiredBody(record: OnboardingRecord, ref: EventRef) {
  const { onboarding_id, link_id, ds_id, ds_name, metadata } = eventData(record);
  return {
    type: ref.type,
    timestamp: ref.time,
    data: {
      onboarding_id,
      link_id,
      ds_id,
      ds_name,
      metadata,
      expiry_time: record.expiry_time,
      login_id: null,
      login_username: null,
      login_time: null,
      user_id: null,
      completed_via: null,
    },
  };
}

/** The exact JSON body of the event, as POSTed and as the feed shows it. */
export function eventBody(record: OnboardingRecord, ref: EventRef): string {
  const body =
    ref.type === 'login.completed'
      ? loginCompletedBody(record, ref)
      : onboardingExpiredBody(record, ref);
  return JSON.stringify(body);
}
