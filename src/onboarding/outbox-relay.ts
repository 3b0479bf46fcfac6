// After an onboarding change that raised an event (written on its record in the same atomic step): the
// event into the events feed, and, when webhooks are delivered, into the shared queue in the same step.
// Crash safety comes from the onboarding's reconciliation check, scheduled since its creation and
// dropped only once the record's events are recorded: if this process dies between the change and the
// recording, the check falls due and the reconciler relays them (relayOutbox). Nothing is lost, and
// nothing extra runs on the callback's path.
import type { Logger } from '../lib/logger';
import type {
  EventLog,
  EventRef,
  EventType,
  NewFeedEvent,
  OnboardingRecord,
  OnboardingStore,
  OutboxEvent,
  ReconcileSchedule,
} from '../store/store';
import { eventBody } from '../webhooks/events';

export interface OutboxRelayDeps {
  logger: Logger;
  events: EventLog;
  /** Whether events are also delivered as webhooks (WEBHOOK_URL is set); the feed records them always. */
  webhooksEnabled: boolean;
  /** Called after an event entered the queue (wakes this instance's worker). */
  onWebhookEnqueued: () => void;
}

/** The event as the feed records it, its body built from the record that raised it. */
function feedEvent(record: OnboardingRecord, event: EventRef): NewFeedEvent {
  return {
    webhook_id: event.webhook_id,
    onboarding_id: record.onboarding_id,
    type: event.type,
    body: eventBody(record, event),
    keepBody: false,
  };
}

/** An outbox event of the previous release: its body is kept as it was written. */
function legacyFeedEvent(onboardingId: string, event: OutboxEvent): NewFeedEvent {
  let type: EventType = 'login.completed';
  try {
    if ((JSON.parse(event.body) as { type?: unknown }).type === 'onboarding.expired')
      type = 'onboarding.expired';
  } catch {
    // A body that is not JSON is still delivered as it was written.
  }
  return {
    webhook_id: event.webhook_id,
    onboarding_id: onboardingId,
    type,
    body: event.body,
    keepBody: true,
  };
}

async function record(deps: OutboxRelayDeps, events: NewFeedEvent[], nowMs: number): Promise<void> {
  if (events.length === 0) return;
  await deps.events.record(events, nowMs, deps.webhooksEnabled);
  if (deps.webhooksEnabled) deps.onWebhookEnqueued();
}

/**
 * Records the event the change just wrote (`record` as the change left it) and queues it when
 * webhooks are delivered; on failure the reconciliation check relays it later. True when nothing is
 * left to relay.
 */
export async function recordAfterChange(
  deps: OutboxRelayDeps,
  changed: OnboardingRecord,
  event: EventRef,
  nowMs: number,
): Promise<boolean> {
  return record(deps, [feedEvent(changed, event)], nowMs).then(
    () => true,
    (err: unknown) => {
      deps.logger.warn(
        { err, onboarding_id: changed.onboarding_id },
        'recording the event failed; the reconciliation check will relay it',
      );
      return false;
    },
  );
}

/**
 * Records the onboarding's events: those on its record (as last read: a change that raised one
 * returns the record with it), and any outbox the previous release left. Idempotent: the feed skips
 * what it holds, so nothing is queued twice.
 */
export async function relayOutbox(
  deps: OutboxRelayDeps & { onboardings: Pick<OnboardingStore, 'readOutbox'> },
  changed: OnboardingRecord,
  nowMs: number,
): Promise<void> {
  const legacy = await deps.onboardings.readOutbox(changed.onboarding_id);
  await record(
    deps,
    [
      ...legacy.map((event) => legacyFeedEvent(changed.onboarding_id, event)),
      ...changed.events.map((event) => feedEvent(changed, event)),
    ],
    nowMs,
  );
}

/**
 * Drops the onboarding's reconciliation check once it ended and its events are recorded. A separate
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
