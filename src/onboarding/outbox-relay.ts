// After an onboarding change that raised an event (written on its record in the same atomic step): the
// event into the shared delivery queue. Crash safety comes from the onboarding's reconciliation check,
// scheduled since its creation and dropped only once the record's events are relayed: if this process
// dies between the change and the enqueue, the check falls due and the reconciler relays them
// (relayOutbox). Nothing is lost, and nothing extra runs on the callback's path.
import type { Logger } from '../lib/logger';
import type {
  EventRef,
  OnboardingRecord,
  OnboardingStore,
  OutboxEvent,
  ReconcileSchedule,
  WebhookQueue,
} from '../store/store';
import { eventBody } from '../webhooks/events';

export interface OutboxRelayDeps {
  logger: Logger;
  webhookQueue: WebhookQueue;
  /** Whether events are delivered (WEBHOOK_URL is set). */
  webhooksEnabled: boolean;
  /** Called after an event entered the queue (wakes this instance's worker). */
  onWebhookEnqueued: () => void;
}

/** The event with its body, built from the record that raised it. */
function withBody(record: OnboardingRecord, event: EventRef): OutboxEvent {
  return { webhook_id: event.webhook_id, body: eventBody(record, event) };
}

/**
 * Enqueues the event the change just wrote (`record` as the change left it); on failure the
 * reconciliation check relays it later. True when nothing is left to relay.
 */
export async function enqueueAfterChange(
  deps: OutboxRelayDeps,
  record: OnboardingRecord,
  event: EventRef,
  nowMs: number,
): Promise<boolean> {
  if (!deps.webhooksEnabled) return true;
  const onboardingId = record.onboarding_id;
  return deps.webhookQueue.enqueueWebhooks(onboardingId, [withBody(record, event)], nowMs).then(
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

/**
 * Moves the onboarding's events into the queue: those on its record (as last read: a change that
 * raised one returns the record with it), and any outbox the previous release left. Idempotent:
 * queued, dead or delivered events are skipped.
 */
export async function relayOutbox(
  deps: OutboxRelayDeps & { onboardings: Pick<OnboardingStore, 'readOutbox'> },
  record: OnboardingRecord,
  nowMs: number,
): Promise<void> {
  if (!deps.webhooksEnabled) return;
  const legacy = await deps.onboardings.readOutbox(record.onboarding_id);
  const events = [...legacy, ...record.events.map((event) => withBody(record, event))];
  if (events.length > 0) {
    await deps.webhookQueue.enqueueWebhooks(record.onboarding_id, events, nowMs);
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
