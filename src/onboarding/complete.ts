// The one way an onboarding completes (callback or reconciliation): login fields + outbox event atomically,
// then the event into the shared delivery queue.
import type { Clock } from '../lib/clock';
import { sha256Hex } from '../lib/constant-time';
import type { RandomSource } from '../lib/ids';
import type { Logger } from '../lib/logger';
import type { LoginLink } from '../supermetrics/types';
import type {
  CompleteResult,
  CompletedVia,
  Completion,
  OnboardingRecord,
  OnboardingStore,
  ReconcileSchedule,
  WebhookQueue,
} from '../store/store';
import { loginCompletedEvent } from '../webhooks/events';
import type { OnboardingMetrics } from './metrics';
import { dropReconcileCheck, enqueueAfterChange } from './outbox-relay';
import { RETENTION_SECONDS } from './retention';

export interface CompletionDeps {
  onboardings: OnboardingStore;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** Whether completions write a webhook event to the outbox. */
  webhooksEnabled: boolean;
  webhookQueue: WebhookQueue;
  /** Called after an event entered the queue (wakes this instance's worker). */
  onWebhookEnqueued: () => void;
  metrics?: OnboardingMetrics;
  /** The shared reconciliation schedule: the reconciler drops a completed onboarding's check. */
  reconcileSchedule: ReconcileSchedule;
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
    verifier_hash: sha256Hex(link.redirect_verifier),
  };
  const event = deps.webhooksEnabled
    ? loginCompletedEvent(record, completion, deps.clock, deps.random)
    : null;
  const result = await deps.onboardings.completeOnboarding(
    record.onboarding_id,
    completion,
    event,
    RETENTION_SECONDS,
  );
  if (result.outcome === 'completed') {
    deps.metrics?.onboardingTransition('completed');
    // Only when the event is queued may the check go; otherwise the reconciler relays the outbox.
    // From the callback the check is left to the reconciler, which keeps the callback's path short.
    const queued = event ? await enqueueAfterChange(deps, record.onboarding_id, event, now) : true;
    if (queued && via === 'reconciliation') await dropReconcileCheck(deps, record.onboarding_id);
  }
  return result;
}
