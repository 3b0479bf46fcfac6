// Idempotency claims as stored strings (shared by both onboarding stores), and the previous release's outbox events.
import type { OutboxEvent } from './store';

/** The claim value, written with a fixed key order so a script can match its prefix without cjson. */
export function encodeClaim(onboardingId: string, fingerprint: string): string {
  return `${claimPrefix(onboardingId)}"fingerprint":${JSON.stringify(fingerprint)}}`;
}

/** The start of every claim value naming `onboardingId`: what compare-and-delete compares. */
export function claimPrefix(onboardingId: string): string {
  return `{"onboarding_id":${JSON.stringify(onboardingId)},`;
}

export function decodeClaim(value: string): { onboardingId: string; fingerprint: string } {
  const parsed = JSON.parse(value) as { onboarding_id: string; fingerprint: string };
  return { onboardingId: parsed.onboarding_id, fingerprint: parsed.fingerprint };
}

/** An outbox entry as the previous release wrote it: `{webhook_id, body}` JSON. */
export function decodeOutboxEvent(value: string): OutboxEvent {
  const parsed = JSON.parse(value) as OutboxEvent;
  return { webhook_id: parsed.webhook_id, body: parsed.body };
}
