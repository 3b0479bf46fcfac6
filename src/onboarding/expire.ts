// The one way an onboarding expires: status + onboarding.expired outbox event atomically, then the event
// into the shared delivery queue (the same sequence as completion; the reconciler drops the check).
import type { ExpireResult, OnboardingRecord } from '../store/store';
import { onboardingExpiredEvent } from '../webhooks/events';
import type { CompletionDeps } from './complete';
import { dropReconcileCheck, enqueueAfterChange } from './outbox-relay';
import { RETENTION_SECONDS } from './retention';

export async function expireOnboarding(
  deps: CompletionDeps,
  record: OnboardingRecord,
): Promise<ExpireResult> {
  const now = deps.clock.now();
  const event = deps.webhooksEnabled
    ? onboardingExpiredEvent(record, deps.clock, deps.random)
    : null;
  const result = await deps.onboardings.expireOnboarding(
    record.onboarding_id,
    new Date(now).toISOString(),
    event,
    RETENTION_SECONDS,
  );
  if (result.outcome === 'expired') {
    deps.metrics?.onboardingTransition('expired');
    const queued = event ? await enqueueAfterChange(deps, record.onboarding_id, event, now) : true;
    if (queued) await dropReconcileCheck(deps, record.onboarding_id);
  }
  return result;
}
