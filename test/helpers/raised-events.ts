// The events an onboarding's changes raised, each with the body its webhook carries (built from the record).
import type { OnboardingStore, OutboxEvent } from '../../src/store/store';
import { eventBody } from '../../src/webhooks/events';

export async function raisedEvents(
  onboardings: Pick<OnboardingStore, 'getOnboarding'>,
  onboardingId: string,
): Promise<OutboxEvent[]> {
  const record = await onboardings.getOnboarding(onboardingId);
  if (!record) return [];
  return record.events.map((event) => ({
    webhook_id: event.webhook_id,
    body: eventBody(record, event),
  }));
}
