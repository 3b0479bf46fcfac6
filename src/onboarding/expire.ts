// The one way an onboarding expires: status + its onboarding.expired event atomically, then the event
// into the events feed and the delivery queue (the same sequence as completion; the check is dropped).
import type { ExpireResult, OnboardingRecord } from '../store/store';
import { newEventRef } from '../webhooks/events';
import type { CompletionDeps } from './complete';
import { dropReconcileCheck, recordAfterChange } from './outbox-relay';
import { RETENTION_SECONDS } from './retention';

export async function expireOnboarding(
  deps: CompletionDeps,
  record: OnboardingRecord,
): Promise<ExpireResult> {
  const now = deps.clock.now();
  const time = new Date(now).toISOString();
  const event = newEventRef('onboarding.expired', time, deps.random);
  const result = await deps.onboardings.expireOnboarding(
    record.onboarding_id,
    time,
    event,
    RETENTION_SECONDS,
  );
  if (result.outcome === 'expired') {
    deps.metrics?.onboardingTransition('expired');
    const recorded = await recordAfterChange(deps, result.record, event, now);
    if (recorded) await dropReconcileCheck(deps, record.onboarding_id);
  }
  return result;
}
