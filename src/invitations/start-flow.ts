// What a start link does: GET shows the onboarding (no side effect); POST sends the customer to an
// upstream login page — the newest OPEN link when it has time left, else a new one made now (one per
// burst of POSTs, across instances), freeing a slot at the link limit by recycling our link whose
// customer was sent to it longest ago, or, when none can be freed, the waiting page.
import type { Clock } from '../lib/clock';
import type { RandomSource } from '../lib/ids';
import type { Logger } from '../lib/logger';
import { linkEntry } from '../onboarding/new-onboarding';
import { parseStartToken, startTokenMatches } from '../onboarding/start-token';
import type {
  HistoryEntry,
  OnboardingLink,
  OnboardingRecord,
  OnboardingStore,
  OpenLinkIndex,
  ReconcileSchedule,
} from '../store/store';
import type { SupermetricsClient } from '../supermetrics/types';
import { storeUnavailable } from '../store/unavailable';
import { makeLink, type LinkMakerDeps } from './link-maker';

/** A link with less time left than this is not handed out: the customer needs time to sign in. */
export const MIN_LINK_TIME_LEFT_MS = 5 * 60 * 1000;
/** How long one POST holds the right to make the onboarding's next link (a crashed holder's expires). */
const LINK_LOCK_MS = 30_000;
/** A POST that finds another one making the link waits for it this long, polling. */
const WAIT_FOR_OTHER_MS = 10_000;
const POLL_MS = 200;

/** One POST of a start link: its token, its request id, and who opened the window (SDK). */
interface Visit {
  token: string;
  requestId: string;
  openerOrigin: string | null;
}

export type StartOutcome = 'reused' | 'created' | 'recycled' | 'waiting' | 'completed' | 'ended';

export type StartAnswer =
  | { kind: 'unknown' }
  | { kind: 'ended' | 'completed' | 'waiting' | 'show'; record: OnboardingRecord }
  | { kind: 'refused'; record: OnboardingRecord; code: string }
  | { kind: 'login'; record: OnboardingRecord; loginUrl: string; outcome: StartOutcome };

export interface StartFlowDeps extends LinkMakerDeps {
  onboardings: OnboardingStore;
  openLinks: OpenLinkIndex;
  reconcileSchedule: ReconcileSchedule;
  client: SupermetricsClient;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** RECONCILE_INTERVAL in seconds: a new link's first check. */
  reconcileIntervalSeconds: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The newest link if it is OPEN with enough time left to sign in. */
function usableLink(record: OnboardingRecord, nowMs: number): OnboardingLink | null {
  const newest = record.links[0];
  if (!newest || newest.status !== 'OPEN') return null;
  return Date.parse(newest.expiry_time) - nowMs >= MIN_LINK_TIME_LEFT_MS ? newest : null;
}

function hasEnded(record: OnboardingRecord, nowMs: number): boolean {
  return (
    record.status === 'expired' ||
    record.status === 'cancelled' ||
    (record.status === 'pending' && nowMs >= Date.parse(record.expiry_time))
  );
}

export function createStartFlow(deps: StartFlowDeps) {
  const { onboardings, clock } = deps;
  const sleep = deps.sleep ?? defaultSleep;

  /** The onboarding the token opens: read by the id in it, its secret compared in constant time. */
  async function find(token: string): Promise<OnboardingRecord | null> {
    const parsed = parseStartToken(token);
    if (!parsed) return null;
    const record = await onboardings.getOnboarding(parsed.onboardingId).catch(storeUnavailable);
    if (!record || !startTokenMatches(parsed.secretHash, record.start_token_hash)) return null;
    return record;
  }

  /** GET: what the page shows. Reads only. */
  async function look(token: string): Promise<StartAnswer> {
    const record = await find(token);
    if (!record) return { kind: 'unknown' };
    if (record.status === 'completed') return { kind: 'completed', record };
    if (hasEnded(record, clock.now())) return { kind: 'ended', record };
    return { kind: 'show', record };
  }

  /** Sends the customer to the newest link, noting when (recycling picks the longest-unvisited). */
  async function sendTo(
    record: OnboardingRecord,
    link: OnboardingLink,
    visit: Visit,
  ): Promise<StartAnswer> {
    const now = clock.now();
    const links = record.links.map((l) =>
      l.link_id === link.link_id
        ? { ...l, sent_time: new Date(now).toISOString(), opener_origin: visit.openerOrigin }
        : l,
    );
    // Best effort: a lost race only leaves the older sent_time.
    await onboardings.updateOnboarding(record.onboarding_id, record.rev, { links }, true);
    await deps.openLinks.track(record.onboarding_id, link.link_id, now);
    return { kind: 'login', record, loginUrl: link.login_url, outcome: 'reused' };
  }

  /** Stores the new link as the newest (the lock held), re-reading on a conflict. */
  async function storeLink(
    record: OnboardingRecord,
    link: OnboardingLink,
  ): Promise<OnboardingRecord | null> {
    let current: OnboardingRecord | null = record;
    for (let attempt = 0; current?.status === 'pending' && attempt < 5; attempt++) {
      const result = await onboardings.updateOnboarding(
        current.onboarding_id,
        current.rev,
        {
          links: [link, ...current.links],
          link_id: link.link_id,
          login_url: link.login_url,
          link_lock_until: null,
        },
        true,
      );
      if (result.outcome === 'updated') return result.record;
      current = await onboardings.getOnboarding(record.onboarding_id);
    }
    return null;
  }

  /** With the lock: makes the link upstream and stores it; null when no slot could be had. */
  async function makeAndStore(record: OnboardingRecord, visit: Visit): Promise<StartAnswer> {
    const { token, requestId } = visit;
    const made = await makeLink(deps, record, token, requestId);
    if (made.kind !== 'made') {
      await onboardings
        .updateOnboarding(record.onboarding_id, record.rev, { link_lock_until: null }, true)
        .catch(() => undefined);
      return made.kind === 'refused'
        ? { kind: 'refused', record, code: made.code }
        : { kind: 'waiting', record };
    }
    const now = clock.now();
    const entry = {
      ...linkEntry(made.link, made.stateHash, made.startTokenSealed),
      sent_time: new Date(now).toISOString(),
      opener_origin: visit.openerOrigin,
    };
    const stored = await storeLink(record, entry);
    if (!stored) {
      // It completed or ended meanwhile: the new link would only hold a slot.
      await deps.client.closeLink(made.link.link_id, { requestId }).catch(() => undefined);
      return proceed(record, visit, 1);
    }
    await deps.openLinks.track(record.onboarding_id, entry.link_id, now);
    // A customer is on their way to this link: reconciliation watches it from now on.
    await deps.reconcileSchedule
      .scheduleCheck(record.onboarding_id, now + deps.reconcileIntervalSeconds * 1000)
      .catch((err: unknown) =>
        deps.logger.warn({ err, onboarding_id: record.onboarding_id }, 'could not schedule'),
      );
    return { kind: 'login', record: stored, loginUrl: entry.login_url, outcome: made.outcome };
  }

  /** POST with the record read: decides, taking the lock to make a link when one is needed. */
  async function proceed(
    first: OnboardingRecord,
    visit: Visit,
    rounds = Math.ceil(WAIT_FOR_OTHER_MS / POLL_MS),
  ): Promise<StartAnswer> {
    let record: OnboardingRecord | null = first;
    for (let round = 0; record && round <= rounds; round++) {
      const now = clock.now();
      if (record.status === 'completed') return { kind: 'completed', record };
      if (hasEnded(record, now)) return { kind: 'ended', record };
      const usable = usableLink(record, now);
      if (usable) return sendTo(record, usable, visit);
      if (record.link_lock_until === null || record.link_lock_until <= now) {
        const locked = await onboardings.updateOnboarding(
          record.onboarding_id,
          record.rev,
          { link_lock_until: now + LINK_LOCK_MS },
          true,
        );
        if (locked.outcome === 'updated') return makeAndStore(locked.record, visit);
      } else {
        // Another POST (a double click, another tab, another instance) is making the link.
        await sleep(POLL_MS);
      }
      record = await onboardings.getOnboarding(first.onboarding_id);
    }
    return record ? { kind: 'waiting', record } : { kind: 'unknown' };
  }

  /**
   * The history of a POST that sent its customer to a login page: start_opened, and link_created when
   * the link was made for it (the newest of the stored record). Waiting rounds leave no entry.
   */
  async function recordOpened(answer: StartAnswer, openedMs: number): Promise<void> {
    if (answer.kind !== 'login') return;
    const entries: HistoryEntry[] = [
      { type: 'start_opened', time: new Date(openedMs).toISOString() },
    ];
    const made = answer.record.links[0];
    if (answer.outcome !== 'reused' && made)
      entries.push({ type: 'link_created', time: made.created_time, link_id: made.link_id });
    await deps.history.append(answer.record.onboarding_id, entries).catch((err: unknown) => {
      deps.logger.warn({ err, onboarding_id: answer.record.onboarding_id }, 'history not written');
    });
  }

  /**
   * POST: sends the customer on. `openerOrigin`: the page that opened this window through the SDK
   * (already checked against RETURN_URL_ORIGINS), remembered on the link for the result page.
   */
  async function start(
    token: string,
    requestId: string,
    openerOrigin: string | null = null,
  ): Promise<StartAnswer> {
    const openedMs = clock.now();
    const record = await find(token);
    if (!record) return { kind: 'unknown' };
    const answer = await proceed(record, { token, requestId, openerOrigin });
    await recordOpened(answer, openedMs);
    return answer;
  }

  return { look, start };
}

export type StartFlow = ReturnType<typeof createStartFlow>;
