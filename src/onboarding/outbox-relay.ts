// After an onboarding change that wrote an outbox event: the event into the shared delivery queue.
// Crash safety comes from the onboarding's reconciliation check, scheduled since its creation and
// dropped only once the outbox is relayed: if this process dies between the change and the enqueue,
// the check falls due and the reconciler relays the outbox (relayOutbox). Nothing is lost, and
// nothing extra runs on the callback's path.
import type { Logger } from '../lib/logger';
import type { OnboardingStore, OutboxEvent, ReconcileSchedule, WebhookQueue } from '../store/store';

export interface OutboxRelayDeps {
  logger: Logger;
  webhookQueue: WebhookQueue;
  /** Called after an event entered the queue (wakes this instance's worker). */
  onWebhookEnqueued: () => void;
}

/** Enqueues the event the change just wrote; on failure the reconciliation check relays it later. */
export async function enqueueAfterChange(
  deps: OutboxRelayDeps,
  onboardingId: string,
  event: OutboxEvent,
  nowMs: number,
): Promise<boolean> {
  return deps.webhookQueue.enqueueWebhooks(onboardingId, [event], nowMs).then(
    () => {
      deps.onWebhookEnqueued();
      return true;
    },
    (err: unknown) => {
      deps.logger.warn(
        { err, onboarding_id: onboardingId },
        'enqueue failed; the reconciliation check will relay the outbox',
      );
      return false;
    },
  );
}

/** Moves whatever the onboarding's outbox holds into the queue (idempotent: queued, dead or delivered events are skipped). */
export async function relayOutbox(
  deps: OutboxRelayDeps & { onboardings: Pick<OnboardingStore, 'readOutbox'> },
  onboardingId: string,
  nowMs: number,
): Promise<void> {
  const events = await deps.onboardings.readOutbox(onboardingId);
  if (events.length > 0) {
    await deps.webhookQueue.enqueueWebhooks(onboardingId, events, nowMs);
    deps.onWebhookEnqueued();
  }
}

/**
 * Drops the onboarding's reconciliation check once it ended and its outbox is in the queue. A separate
 * step after the atomic change: if it fails, the reconciler relays and drops the check itself.
 */
export async function dropReconcileCheck(
  deps: { logger: Logger; reconcileSchedule: ReconcileSchedule },
  onboardingId: string,
): Promise<void> {
  await deps.reconcileSchedule.dropCheck(onboardingId).catch((err: unknown) => {
    deps.logger.warn(
      { err, onboarding_id: onboardingId },
      'could not drop the reconciliation check; the reconciler will',
    );
  });
}
