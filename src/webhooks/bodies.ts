// The body of each feed entry: a kept one as it is, any other built from its onboarding's record (the
// record keeps every field the body carries, and the event's own reference with its time).
import type { FeedEntry, OnboardingStore } from '../store/store';
import { eventBody } from './events';

/**
 * webhook_id → body for the entries that have one. An entry whose onboarding is gone (records outlive
 * the feed, so only by a shorter TTL than the store's own) has none, and is left out.
 */
export async function bodiesOf(
  onboardings: Pick<OnboardingStore, 'getOnboarding'>,
  entries: readonly FeedEntry[],
): Promise<Map<string, string>> {
  const ids = [...new Set(entries.filter((e) => e.body === null).map((e) => e.onboarding_id))];
  // One read per onboarding, all sent at once (they live on many slots).
  const records = new Map(
    await Promise.all(ids.map(async (id) => [id, await onboardings.getOnboarding(id)] as const)),
  );
  const bodies = new Map<string, string>();
  for (const entry of entries) {
    if (entry.body !== null) {
      bodies.set(entry.webhook_id, entry.body);
      continue;
    }
    const record = records.get(entry.onboarding_id);
    const event = record?.events.find((e) => e.webhook_id === entry.webhook_id);
    if (record && event) bodies.set(entry.webhook_id, eventBody(record, event));
  }
  return bodies;
}
