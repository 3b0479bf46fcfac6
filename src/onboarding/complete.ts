// The one way an onboarding completes (callback or reconciliation): login fields + outbox event, atomically.
import type { Clock } from '../lib/clock';
import type { RandomSource } from '../lib/ids';
import type { LoginLink } from '../supermetrics/types';
import type {
  CompleteResult,
  CompletedVia,
  Completion,
  OnboardingRecord,
  Store,
} from '../store/store';
import { loginCompletedEvent } from '../webhooks/events';
import { RETENTION_SECONDS } from './service';

export interface CompletionDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  /** Whether completions write a webhook event to the outbox. */
  webhooksEnabled: boolean;
}

/** `link` must already be verified as this onboarding's link and carry a login_id. */
export function completeFromLink(
  deps: CompletionDeps,
  record: OnboardingRecord,
  link: LoginLink,
  via: CompletedVia,
): Promise<CompleteResult> {
  const completion: Completion = {
    link_id: record.link_id,
    login_id: link.login_id!,
    login_username: link.login_username,
    login_time: link.login_time === null ? null : new Date(link.login_time).toISOString(),
    user_id: link.user_id === '' ? null : link.user_id,
    completed_time: new Date(deps.clock.now()).toISOString(),
    completed_via: via,
  };
  const event = deps.webhooksEnabled
    ? loginCompletedEvent(record, completion, deps.clock, deps.random)
    : null;
  return deps.store.completeOnboarding(record.onboarding_id, completion, event, RETENTION_SECONDS);
}
