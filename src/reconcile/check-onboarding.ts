// One reconciliation check: re-reads the onboarding's links that may still bring a login and completes,
// expires, closes or reschedules it; once it ended, closes its links still OPEN. Every upstream request
// first passes the gate (shared pause and budget).
import { randomToken } from '../lib/ids';
import { completeFromLink, type CompletionDeps } from '../onboarding/complete';
import { expireOnboarding } from '../onboarding/expire';
import { relayOutbox } from '../onboarding/outbox-relay';
import type { ReconcileCheckResult } from '../ops/metrics';
import { changeLinks, liveLinks, type LinkChanges } from '../onboarding/links';
import type { OnboardingLink, OnboardingRecord } from '../store/store';
import { SupermetricsError } from '../supermetrics/errors';
import type {
  ApiResult,
  LinkStatus,
  LoginLink,
  RateLimitInfo,
  SupermetricsClient,
} from '../supermetrics/types';
import { EXPIRY_MARGIN_MS, nextCheckAt, retrySoonAt } from './backoff';

/** 'deferred': the gate refused the request; the caller reschedules the check. */
export type CheckOutcome = ReconcileCheckResult | 'deferred';

export interface CheckDeps extends CompletionDeps {
  client: SupermetricsClient;
  intervalMs: number;
  /** Called before each upstream request: false when none may be sent now (paused, over budget). */
  mayRequest(): Promise<boolean>;
  /** A 429 was met: pauses every instance's reconciliation; resolves to when the pause ends. */
  rateLimited(retryAfterSeconds: number | null): Promise<number>;
  /** The rate-limit headers of each answer. */
  observe(rateLimit: RateLimitInfo): void;
  /**
   * Every link of the team and its status, read once per reconciliation pass (one list request):
   * null when it could not be read (each live link is then read on its own), 'deferred' when the
   * gate refused the request.
   */
  listedLinks(): Promise<ListedLinks>;
}

/** Upstream times have whole seconds: a link this close to the list's reading is read on its own. */
const LIST_SKEW_MS = 5_000;

export type ListedLinks =
  { readAtMs: number; statuses: Map<string, LinkStatus> } | null | 'deferred';

/** The team's links as the list endpoint gives them: one request for the whole pass. */
export async function readLinkList(deps: CheckDeps): Promise<ListedLinks> {
  const listed = await request(deps, (o) => deps.client.listLinks(o));
  if (listed.kind === 'deferred') return 'deferred';
  if (listed.kind === 'failed') {
    if (listed.err instanceof SupermetricsError && listed.err.status === 429)
      await deps.rateLimited(listed.err.retryAfterSeconds);
    deps.logger.warn({ err: listed.err }, 'could not list the links; reading each one');
    return null;
  }
  return {
    readAtMs: deps.clock.now(),
    statuses: new Map(listed.data.map((link) => [link.link_id, link.status_code])),
  };
}

/**
 * What the list says of a live link without reading it: unchanged while OPEN before its expiry,
 * EXPIRED when expired or gone; null when it must be read (CLOSED: perhaps with a login; recycled
 * links read CLOSED before and after their customer's login, so they are always read).
 */
function fromList(
  listed: { readAtMs: number; statuses: Map<string, LinkStatus> },
  entry: OnboardingLink,
  nowMs: number,
): LinkReading | null {
  // A link made after the list was read is not in it yet: read it on its own.
  const madeLate = Date.parse(entry.created_time) >= listed.readAtMs - LIST_SKEW_MS;
  if (entry.recycled_time !== null || madeLate) return null;
  const status = listed.statuses.get(entry.link_id);
  if (status === undefined || status === 'EXPIRED') return { kind: 'changed', status: 'EXPIRED' };
  if (status === 'OPEN' && nowMs < Date.parse(entry.expiry_time)) return { kind: 'unchanged' };
  return null;
}

type Answer<T> = { kind: 'ok'; data: T } | { kind: 'failed'; err: unknown } | { kind: 'deferred' };

async function request<T>(
  deps: CheckDeps,
  call: (options: { requestId: string }) => Promise<ApiResult<T>>,
): Promise<Answer<T>> {
  if (!(await deps.mayRequest())) return { kind: 'deferred' };
  try {
    const result = await call({ requestId: `reconcile-${randomToken(12, deps.random)}` });
    deps.observe(result.rateLimit);
    return { kind: 'ok', data: result.data };
  } catch (err) {
    return { kind: 'failed', err };
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof SupermetricsError && (err.code === 'LINK_NOT_FOUND' || err.status === 404);
}

/** A failed request: a 429 pauses everyone and the check comes back after it; anything else soon. */
async function failed(
  deps: CheckDeps,
  record: OnboardingRecord,
  err: unknown,
  linkId: string | null = record.link_id,
): Promise<CheckOutcome> {
  const ids = { onboarding_id: record.onboarding_id, link_id: linkId };
  if (err instanceof SupermetricsError && err.status === 429) {
    const until = await deps.rateLimited(err.retryAfterSeconds);
    await deps.reconcileSchedule.scheduleCheck(record.onboarding_id, until);
    deps.logger.info(
      { ...ids, retry_after_seconds: err.retryAfterSeconds, paused_until: new Date(until) },
      'reconciliation met the upstream rate limit; pausing',
    );
    return 'rate_limited';
  }
  await deps.reconcileSchedule.scheduleCheck(
    record.onboarding_id,
    retrySoonAt(deps.clock.now(), deps.intervalMs),
  );
  deps.logger.warn({ ...ids, err }, 'reconciliation could not read the link; will retry');
  return 'error';
}

async function drop(deps: CheckDeps, onboardingId: string): Promise<'dropped'> {
  await deps.reconcileSchedule.dropCheck(onboardingId);
  return 'dropped';
}

/**
 * The onboarding ended (here or elsewhere, perhaps a moment ago by a callback whose process then
 * died): its events go into the queue before the check that guarantees them is dropped. `record` is
 * the onboarding as last read (null: it is gone, and nothing is left to relay).
 */
async function relayAndDrop(
  deps: CheckDeps,
  onboardingId: string,
  record: OnboardingRecord | null,
): Promise<'dropped'> {
  if (record) await relayOutbox(deps, record, deps.clock.now());
  return drop(deps, onboardingId);
}

/** A change's result: the record it found, if any. */
function recordOf(result: { outcome: string; record?: OnboardingRecord }): OnboardingRecord | null {
  return result.record ?? null;
}

async function expire(deps: CheckDeps, record: OnboardingRecord, why: string): Promise<void> {
  const result = await expireOnboarding(deps, record);
  if (result.outcome === 'expired') {
    deps.logger.info(
      { onboarding_id: record.onboarding_id, link_id: record.link_id, why },
      'onboarding expired',
    );
  } else {
    await relayAndDrop(deps, record.onboarding_id, recordOf(result));
  }
}

/**
 * Closes the onboarding's links that are still OPEN by our books (all but `except`), so they stop
 * holding the team's slots; a link the upstream no longer knows counts as closed. 'done' when none
 * is left, else the failed or deferred request's outcome.
 */
async function closeOpenLinks(
  deps: CheckDeps,
  record: OnboardingRecord,
  except: string | null = null,
): Promise<'done' | CheckOutcome> {
  const open = record.links.filter((l) => l.status === 'OPEN' && l.link_id !== except);
  const changes: LinkChanges = {};
  let outcome: 'done' | CheckOutcome = 'done';
  for (const link of open) {
    const closed = await request(deps, (o) => deps.client.closeLink(link.link_id, o));
    if (closed.kind === 'deferred') {
      outcome = 'deferred';
      break;
    }
    if (closed.kind === 'failed' && !isNotFound(closed.err)) {
      outcome = await failed(deps, record, closed.err, link.link_id);
      break;
    }
    changes[link.link_id] = { status: 'CLOSED' };
  }
  if (Object.keys(changes).length > 0) await changeLinks(deps, record, changes);
  return outcome;
}

/** A cancelled onboarding whose links could not all be closed at cancel time: close them now. */
async function closeCancelled(deps: CheckDeps, record: OnboardingRecord): Promise<CheckOutcome> {
  const outcome = await closeOpenLinks(deps, record);
  if (outcome !== 'done') return outcome;
  await deps.reconcileSchedule.dropCheck(record.onboarding_id);
  deps.logger.info(
    { onboarding_id: record.onboarding_id },
    'closed the upstream links of a cancelled onboarding',
  );
  return 'closed_upstream';
}

/** Completed or expired: other links still OPEN are closed, the outbox relayed, the check dropped. */
async function finishEnded(deps: CheckDeps, record: OnboardingRecord): Promise<CheckOutcome> {
  const except = record.status === 'completed' ? record.link_id : null;
  const outcome = await closeOpenLinks(deps, record, except);
  if (outcome !== 'done') return outcome;
  // The login's own link was closed upstream by its authentication: the books say so too.
  const loginLink = record.links.find((l) => l.link_id === except && l.status === 'OPEN');
  if (loginLink) {
    const current = (await deps.onboardings.getOnboarding(record.onboarding_id)) ?? record;
    await changeLinks(deps, current, { [loginLink.link_id]: { status: 'CLOSED' } });
  }
  return relayAndDrop(deps, record.onboarding_id, record);
}

function loginMatches(record: OnboardingRecord, link: LoginLink): boolean {
  return record.require_username === null || link.login_username === record.require_username;
}

async function recordWrongAccount(deps: CheckDeps, record: OnboardingRecord): Promise<void> {
  deps.logger.warn(
    { onboarding_id: record.onboarding_id, link_id: record.link_id },
    'the link was authenticated with a different account than required; not completing',
  );
  const lastError = {
    code: 'LOGIN_INCOMPLETE',
    message: 'The sign-in used a different account than the one required.',
    time: new Date(deps.clock.now()).toISOString(),
  };
  await deps.onboardings.recordFailure(record.onboarding_id, lastError).catch(() => {});
}

type LinkReading =
  | { kind: 'login'; link: LoginLink }
  | { kind: 'changed'; status: OnboardingLink['status']; closedByUs?: boolean }
  | { kind: 'unchanged' }
  | { kind: 'stop'; outcome: CheckOutcome };

/** Reads one live link: a login to complete from, a status that changed, or a request that stopped. */
async function readLiveLink(
  deps: CheckDeps,
  record: OnboardingRecord,
  entry: OnboardingLink,
): Promise<LinkReading> {
  const read = await request(deps, (o) => deps.client.getLink(entry.link_id, o));
  if (read.kind === 'deferred') return { kind: 'stop', outcome: 'deferred' };
  if (read.kind === 'failed') {
    if (isNotFound(read.err)) return { kind: 'changed', status: 'EXPIRED' };
    return { kind: 'stop', outcome: await failed(deps, record, read.err, entry.link_id) };
  }
  const link = read.data;
  if (link.link_id !== entry.link_id) {
    deps.logger.error(
      { onboarding_id: record.onboarding_id, link_id: entry.link_id },
      'the upstream answered with another link; not completing',
    );
    return { kind: 'unchanged' };
  }
  if (link.status_code === 'CLOSED' && link.login_id) {
    if (loginMatches(record, link)) return { kind: 'login', link };
    await recordWrongAccount(deps, record);
  }
  if (link.status_code === 'OPEN' && deps.clock.now() >= Date.parse(link.expiry_time)) {
    // Still OPEN upstream after its expiry_time: close it so it stops counting against the limit
    // (it reads CLOSED from now on, and goes to the history as link_closed).
    const closed = await request(deps, (o) => deps.client.closeLink(entry.link_id, o));
    if (closed.kind === 'deferred') return { kind: 'stop', outcome: 'deferred' };
    if (closed.kind === 'failed' && !isNotFound(closed.err))
      return { kind: 'stop', outcome: await failed(deps, record, closed.err, entry.link_id) };
    return { kind: 'changed', status: 'CLOSED', closedByUs: true };
  }
  return link.status_code === entry.status
    ? { kind: 'unchanged' }
    : { kind: 'changed', status: link.status_code };
}

async function completeFrom(
  deps: CheckDeps,
  record: OnboardingRecord,
  link: LoginLink,
): Promise<CheckOutcome> {
  const result = await completeFromLink(deps, record, link, 'reconciliation');
  if (result.outcome !== 'completed')
    return relayAndDrop(deps, record.onboarding_id, recordOf(result));
  deps.logger.info(
    { onboarding_id: record.onboarding_id, link_id: link.link_id },
    'reconciliation completed an onboarding whose browser never came back',
  );
  return 'completed';
}

/** Reads every live link (newest first); completes from the first with a login. */
async function readLiveLinks(
  deps: CheckDeps,
  record: OnboardingRecord,
): Promise<{ outcome: CheckOutcome } | { record: OnboardingRecord; closedUpstream: boolean }> {
  const changes: LinkChanges = {};
  let stop: CheckOutcome | null = null;
  let closedUpstream = false;
  const live = liveLinks(record, deps.clock.now());
  const listed = live.length > 0 ? await deps.listedLinks() : null;
  if (listed === 'deferred') return { outcome: 'deferred' };
  for (const entry of live) {
    const reading =
      (listed && fromList(listed, entry, deps.clock.now())) ??
      (await readLiveLink(deps, record, entry));
    if (reading.kind === 'login')
      return { outcome: await completeFrom(deps, record, reading.link) };
    if (reading.kind === 'stop') {
      stop = reading.outcome;
      break;
    }
    if (reading.kind === 'changed') {
      changes[entry.link_id] = { status: reading.status };
      closedUpstream ||= reading.closedByUs === true;
    }
  }
  const updated =
    Object.keys(changes).length > 0 ? await changeLinks(deps, record, changes) : record;
  if (stop !== null) return { outcome: stop };
  return { record: updated ?? record, closedUpstream };
}

/**
 * Whether the onboarding has ended by time: its expiry_time passed, or ("now", whose life is its link's)
 * every link expired or is gone upstream. An invitation ("on_open") outlives its links.
 */
function hasEnded(record: OnboardingRecord, nowMs: number): boolean {
  if (nowMs >= Date.parse(record.expiry_time)) return true;
  return (
    record.create_link === 'now' &&
    record.links.length > 0 &&
    record.links.every((link) => link.status === 'EXPIRED')
  );
}

async function checkPending(deps: CheckDeps, record: OnboardingRecord): Promise<CheckOutcome> {
  const read = await readLiveLinks(deps, record);
  if ('outcome' in read) return read.outcome;
  const current = read.record;
  const now = deps.clock.now();
  if (current.status !== 'pending') return finishEnded(deps, current);
  if (hasEnded(current, now)) {
    const closed = await closeOpenLinks(deps, current);
    if (closed !== 'done') return closed;
    const closedAny = read.closedUpstream || current.links.some((l) => l.status === 'OPEN');
    await expire(deps, current, 'its links expired or its expiry_time passed');
    return closedAny ? 'closed_upstream' : 'expired';
  }
  const newest = liveLinks(current, now)[0];
  // No link that could bring a login: nothing to read until the customer opens the start link (which
  // brings the check forward) or the invitation ends.
  const next = newest
    ? nextCheckAt(
        Date.parse(newest.created_time),
        Math.min(Date.parse(newest.expiry_time), Date.parse(current.expiry_time)),
        now,
        deps.intervalMs,
      )
    : Date.parse(current.expiry_time) + EXPIRY_MARGIN_MS;
  await deps.reconcileSchedule.scheduleCheck(current.onboarding_id, next);
  return 'still_pending';
}

/** Checks one onboarding whose check fell due. Store failures are thrown (its lease brings it back). */
export async function checkOnboarding(
  deps: CheckDeps,
  onboardingId: string,
): Promise<CheckOutcome> {
  const record = await deps.onboardings.getOnboarding(onboardingId);
  if (!record) return drop(deps, onboardingId);
  // Completed by a callback (which leaves the check to us) or ended otherwise: relaying is idempotent.
  if (record.status === 'completed' || record.status === 'expired')
    return finishEnded(deps, record);
  if (record.status === 'cancelled') return closeCancelled(deps, record);
  return checkPending(deps, record);
}
