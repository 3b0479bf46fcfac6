// An onboarding's upstream links: which may still bring a login, and changing their bookkeeping on the
// stored record (compare-and-set, so two instances never lose each other's change).
import type { Clock } from '../lib/clock';
import type {
  HistoryEntry,
  OnboardingHistory,
  OnboardingLink,
  OnboardingRecord,
  OnboardingStore,
  OpenLinkIndex,
} from '../store/store';

/** A recycled link is read for this long past its own expiry: its customer may have started late. */
export const RECYCLED_READ_GRACE_MS = 60 * 60 * 1000;
const CAS_ATTEMPTS = 5;

export type LinkChanges = Record<
  string,
  Partial<Pick<OnboardingLink, 'status' | 'sent_time' | 'recycled_time'>>
>;

/**
 * Links that may still carry a login: the OPEN ones, and the ones the receiver closed to free a slot
 * (the upstream lets an attempt started before the close finish after it) until a while past expiry.
 */
export function liveLinks(record: OnboardingRecord, nowMs: number): OnboardingLink[] {
  return record.links.filter(
    (link) =>
      link.status === 'OPEN' ||
      (link.recycled_time !== null &&
        nowMs < Date.parse(link.expiry_time) + RECYCLED_READ_GRACE_MS),
  );
}

export function isOneOfLinks(record: OnboardingRecord, linkId: string): boolean {
  return record.link_id === linkId || record.links.some((link) => link.link_id === linkId);
}

export function applyLinkChanges(links: OnboardingLink[], changes: LinkChanges): OnboardingLink[] {
  return links.map((link) =>
    changes[link.link_id] ? { ...link, ...changes[link.link_id] } : link,
  );
}

export interface LinkBookDeps {
  onboardings: OnboardingStore;
  openLinks: OpenLinkIndex;
  /** A link the receiver closes goes to its onboarding's history as link_closed. */
  history: OnboardingHistory;
  clock: Clock;
}

/**
 * Applies link changes to the stored record, whatever its status, re-reading on a conflict; links no
 * longer OPEN leave the open-link index, and an OPEN one now CLOSED is link_closed in the history.
 * Resolves to the record as stored (null if it is gone).
 */
export async function changeLinks(
  deps: LinkBookDeps,
  record: OnboardingRecord,
  changes: LinkChanges,
): Promise<OnboardingRecord | null> {
  let current: OnboardingRecord | null = record;
  let closedNow: string[] = [];
  for (let attempt = 0; current && attempt < CAS_ATTEMPTS; attempt++) {
    const links = applyLinkChanges(current.links, changes);
    const result = await deps.onboardings.updateOnboarding(
      current.onboarding_id,
      current.rev,
      { links },
      false,
    );
    if (result.outcome === 'updated') {
      closedNow = current.links
        .filter((link) => link.status === 'OPEN' && changes[link.link_id]?.status === 'CLOSED')
        .map((link) => link.link_id);
      current = result.record;
      break;
    }
    if (result.outcome === 'not_found') return null;
    current = await deps.onboardings.getOnboarding(record.onboarding_id);
  }
  const closed = Object.entries(changes)
    .filter(([, change]) => change.status !== undefined && change.status !== 'OPEN')
    .map(([linkId]) => ({ onboardingId: record.onboarding_id, linkId }));
  if (closed.length > 0) await deps.openLinks.untrack(closed);
  if (closedNow.length > 0) {
    const time = new Date(deps.clock.now()).toISOString();
    const entries = closedNow.map((linkId): HistoryEntry => ({
      type: 'link_closed',
      time,
      link_id: linkId,
    }));
    await deps.history.append(record.onboarding_id, entries).catch(() => false);
  }
  return current;
}
