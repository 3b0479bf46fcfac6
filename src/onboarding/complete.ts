// The one way an onboarding completes (callback or reconciliation): login fields + its event atomically,
// then the event into the events feed (and the shared delivery queue).
import type { Clock } from '../lib/clock';
import { sha256Hex } from '../lib/constant-time';
import type { RandomSource } from '../lib/ids';
import type { Logger } from '../lib/logger';
import type { LoginLink } from '../supermetrics/types';
import type {
  CompleteResult,
  CompletedVia,
  Completion,
  EventLog,
  OnboardingHistory,
  OnboardingRecord,
  OnboardingStore,
  OpenLinkIndex,
  ReconcileSchedule,
} from '../store/store';
import { newEventRef } from '../webhooks/events';
import type { OnboardingMetrics } from './metrics';
import { dropReconcileCheck, recordAfterChange } from './outbox-relay';
import { RETENTION_SECONDS } from './retention';

export interface CompletionDeps {
  onboardings: OnboardingStore;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** Whether events are delivered as webhooks (WEBHOOK_URL is set); the feed records them always. */
  webhooksEnabled: boolean;
  /** The events feed (and, through it, the delivery queue). */
  events: EventLog;
  /** Called after an event entered the queue (wakes this instance's worker). */
  onWebhookEnqueued: () => void;
  metrics?: OnboardingMetrics;
  /** The shared reconciliation schedule: the reconciler drops a completed onboarding's check. */
  reconcileSchedule: ReconcileSchedule;
  /** Our OPEN upstream links: a link leaves it when its onboarding ends. */
  openLinks: OpenLinkIndex;
  /** The onboardings' histories (the links the receiver closes). */
  history: OnboardingHistory;
}

/** `link` must already be verified as one of this onboarding's links and carry a login_id. */
export async function completeFromLink(
  deps: CompletionDeps,
  record: OnboardingRecord,
  link: LoginLink,
  via: CompletedVia,
): Promise<CompleteResult> {
  const now = deps.clock.now();
  const completion: Completion = {
    link_id: link.link_id,
    login_id: link.login_id!,
    login_username: link.login_username,
    login_time: link.login_time === null ? null : new Date(link.login_time).toISOString(),
    user_id: link.user_id === '' ? null : link.user_id,
    completed_time: new Date(now).toISOString(),
    completed_via: via,
    verifier_hash: sha256Hex(link.redirect_verifier),
  };
  const event = newEventRef('login.completed', completion.completed_time, deps.random);
  const result = await deps.onboardings.completeOnboarding(
    record.onboarding_id,
    completion,
    event,
    RETENTION_SECONDS,
  );
  if (result.outcome === 'completed') {
    deps.metrics?.onboardingTransition('completed');
    // Only when the event is recorded may the check go; otherwise the reconciler relays it.
    // From the callback the check is left to the reconciler, which keeps the callback's path short.
    const recorded = await recordAfterChange(deps, result.record, event, now);
    // The login's link is CLOSED upstream now; any other OPEN link is closed by the reconciler,
    // brought forward so the slot it holds is freed at once.
    await deps.openLinks
      .untrack([{ onboardingId: record.onboarding_id, linkId: link.link_id }])
      .catch(() => {});
    const othersOpen = record.links.some((l) => l.status === 'OPEN' && l.link_id !== link.link_id);
    if (othersOpen)
      await deps.reconcileSchedule.scheduleCheck(record.onboarding_id, now).catch(() => {});
    else if (recorded && via === 'reconciliation')
      await dropReconcileCheck(deps, record.onboarding_id);
  }
  return result;
}
