// The wire form of an onboarding (README "Integrator API", Onboarding): the stored record without its
// secrets' hashes and bookkeeping; the start link only where the API shows it (creation, re-issue); and
// of its history's entries.
import type { HistoryEntry, OnboardingRecord, UpstreamLinkStatus } from '../store/store';

export interface OnboardingLinkView {
  link_id: string;
  status: UpstreamLinkStatus;
  created_time: string;
  expiry_time: string;
}

export type OnboardingView = Pick<
  OnboardingRecord,
  | 'onboarding_id'
  | 'status'
  | 'ds_id'
  | 'ds_name'
  | 'link_id'
  | 'login_url'
  | 'description'
  | 'require_username'
  | 'return_url'
  | 'metadata'
  | 'created_time'
  | 'expiry_time'
  | 'completed_time'
  | 'completed_via'
  | 'login_id'
  | 'login_username'
  | 'login_time'
  | 'last_error'
> & { links: OnboardingLinkView[]; webhook_ids: string[] };

export function toOnboardingView(record: OnboardingRecord): OnboardingView {
  return {
    onboarding_id: record.onboarding_id,
    status: record.status,
    ds_id: record.ds_id,
    ds_name: record.ds_name,
    link_id: record.link_id,
    login_url: record.login_url,
    links: record.links.map((link) => ({
      link_id: link.link_id,
      // The upstream closes a link when its authentication completes; the books catch up later.
      status:
        record.status === 'completed' && link.link_id === record.link_id ? 'CLOSED' : link.status,
      created_time: link.created_time,
      expiry_time: link.expiry_time,
    })),
    description: record.description,
    require_username: record.require_username,
    return_url: record.return_url,
    metadata: record.metadata,
    created_time: record.created_time,
    expiry_time: record.expiry_time,
    completed_time: record.completed_time,
    completed_via: record.completed_via,
    login_id: record.login_id,
    login_username: record.login_username,
    login_time: record.login_time,
    last_error: record.last_error,
    webhook_ids: record.events.map((event) => event.webhook_id),
  };
}

/** The view with its start link: only in the creation's answer, its replay and a re-issue. */
export function toOnboardingViewWithStartUrl(
  record: OnboardingRecord,
  startUrl: string | null,
): OnboardingView & { start_url: string | null } {
  return { ...toOnboardingView(record), start_url: startUrl };
}

/** A history entry on the wire: a failed delivery carries the status it got, or the error instead. */
export function toHistoryView(entry: HistoryEntry) {
  if (entry.type !== 'webhook_failed') return entry;
  const { status, error, ...rest } = entry;
  return status !== null ? { ...rest, status } : { ...rest, error: error ?? '' };
}
