// The 403 LINK_LIMIT_EXCEEDED answer: how many links are OPEN upstream, which are ours and pending, how to free them.
import { AppError } from '../errors';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { OnboardingRecord, OnboardingStore, ReconcileSchedule } from '../store/store';
import type { SupermetricsClient } from '../supermetrics/types';

/** Scheduled onboardings read to find ours among the open links (bounded work on a 403). */
const MAX_SCANNED = 100;
/** Onboarding ids named in the answer. */
const MAX_LISTED = 10;

export interface LinkLimitDeps {
  onboardings: OnboardingStore;
  client: SupermetricsClient;
  clock: Clock;
  logger: Logger;
  reconcileSchedule: ReconcileSchedule;
}

/** Our pending onboardings, from the reconciliation schedule (every pending onboarding is in it). */
async function pendingOnboardings(deps: LinkLimitDeps): Promise<OnboardingRecord[]> {
  const ids = await deps.reconcileSchedule.listChecks(MAX_SCANNED);
  const records = await Promise.all(ids.map((id) => deps.onboardings.getOnboarding(id)));
  return records.filter((r): r is OnboardingRecord => r?.status === 'pending');
}

async function openLinkIds(deps: LinkLimitDeps, requestId?: string): Promise<Set<string>> {
  const { data } = await deps.client.listLinks({ requestId });
  return new Set(data.filter((link) => link.status_code === 'OPEN').map((link) => link.link_id));
}

/** Builds the 403 for an upstream LINK_LIMIT_EXCEEDED; never fails (a lookup that fails is left out). */
export async function linkLimitError(
  deps: LinkLimitDeps,
  cause: unknown,
  requestId?: string,
): Promise<AppError> {
  const [open, pending] = await Promise.all([
    openLinkIds(deps, requestId).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not list the open links for the link-limit answer');
      return null;
    }),
    pendingOnboardings(deps).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not read pending onboardings for the link-limit answer');
      return [] as OnboardingRecord[];
    }),
  ]);
  const now = deps.clock.now();
  // Without the upstream list, the pending onboardings whose links have not expired may hold slots.
  const ours = pending
    .filter((r) =>
      r.links.some((link) => (open ? open.has(link.link_id) : Date.parse(link.expiry_time) > now)),
    )
    .sort((a, b) => Date.parse(a.created_time) - Date.parse(b.created_time));
  const ids = ours.slice(0, MAX_LISTED).map((r) => r.onboarding_id);
  const counted = open
    ? `${open.size} login links are OPEN for the Supermetrics team; ${ours.length} of them belong to pending onboardings of this receiver.`
    : `The open links could not be listed; ${ours.length} pending onboardings of this receiver may hold open links.`;
  const howTo =
    ours.length > 0
      ? ' Cancel the ones you no longer need with POST /v1/onboardings/{onboarding_id}/cancel (their links are closed upstream), or wait for them to complete or expire.'
      : ' The other open links belong to other users of the team; close them in Supermetrics or wait for them to expire.';
  return new AppError(
    'LINK_LIMIT_EXCEEDED',
    'The Supermetrics team has reached its limit of open login links.',
    {
      description: counted + howTo,
      details: {
        open_links: open ? open.size : null,
        pending_onboardings: ours.length,
        pending_onboarding_ids: ids,
        cancel: 'POST /v1/onboardings/{onboarding_id}/cancel',
      },
      cause,
    },
  );
}
