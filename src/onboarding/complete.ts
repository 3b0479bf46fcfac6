// The one way an onboarding completes (callback or reconciliation): login fields + outbox event atomically,
// then the event into the shared delivery queue.
import type { Clock } from '../lib/clock';
import type { RandomSource } from '../lib/ids';
import type { Logger } from '../lib/logger';
import type { LoginLink } from '../supermetrics/types';
import type {
  CompleteResult,
  CompletedVia,
  Completion,
  OnboardingRecord,
  Store,
  WebhookQueue,
} from '../store/store';
import { loginCompletedEvent } from '../webhooks/events';
import type { OnboardingMetrics } from '../ops/metrics';
import { RETENTION_SECONDS } from './service';

/** A relay marker becomes due this long after it is armed, unless the enqueue right after completion drops it. */
export const RELAY_DELAY_MS = 30_000;

export interface CompletionDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** Whether completions write a webhook event to the outbox. */
  webhooksEnabled: boolean;
  webhookQueue?: WebhookQueue;
  /** Called after an event entered the queue (wakes this instance's worker). */
  onWebhookEnqueued?: () => void;
  metrics?: OnboardingMetrics;
}

/** `link` must already be verified as this onboarding's link and carry a login_id. */
export async function completeFromLink(
  deps: CompletionDeps,
  record: OnboardingRecord,
  link: LoginLink,
  via: CompletedVia,
): Promise<CompleteResult> {
  const now = deps.clock.now();
  const completion: Completion = {
    link_id: record.link_id,
    login_id: link.login_id!,
    login_username: link.login_username,
    login_time: link.login_time === null ? null : new Date(link.login_time).toISOString(),
    user_id: link.user_id === '' ? null : link.user_id,
    completed_time: new Date(now).toISOString(),
    completed_via: via,
  };
  const event = deps.webhooksEnabled
    ? loginCompletedEvent(record, completion, deps.clock, deps.random)
    : null;
  const queue = event ? deps.webhookQueue : undefined;
  // Armed before the change: if this process dies between completing and enqueueing, the marker
  // falls due and some instance relays the outbox. Nothing is lost.
  if (queue) await queue.armRelay(record.onboarding_id, now + RELAY_DELAY_MS);
  const result = await deps.store.completeOnboarding(
    record.onboarding_id,
    completion,
    event,
    RETENTION_SECONDS,
  );
  if (queue && event && result.outcome === 'completed') {
    await queue.enqueueWebhooks(record.onboarding_id, [event], now).then(
      () => deps.onWebhookEnqueued?.(),
      (err: unknown) =>
        deps.logger.warn(
          { err, onboarding_id: record.onboarding_id },
          'enqueue failed; the relay marker will retry it',
        ),
    );
  }
  if (result.outcome === 'completed') deps.metrics?.onboardingTransition('completed');
  return result;
}
