// One reconciliation check: re-reads an onboarding's own link upstream and completes, expires, closes or
// reschedules it. Every upstream request first passes the gate (shared pause and budget).
import { randomToken } from '../lib/ids';
import { completeFromLink, type CompletionDeps } from '../onboarding/complete';
import { expireOnboarding } from '../onboarding/expire';
import { relayOutbox } from '../onboarding/outbox-relay';
import type { ReconcileCheckResult } from '../ops/metrics';
import type { OnboardingRecord } from '../store/store';
import { SupermetricsError } from '../supermetrics/errors';
import type {
  ApiResult,
  LoginLink,
  RateLimitInfo,
  SupermetricsClient,
} from '../supermetrics/types';
import { nextCheckAt, retrySoonAt } from './backoff';

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
): Promise<CheckOutcome> {
  const ids = { onboarding_id: record.onboarding_id, link_id: record.link_id };
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
 * died): its outbox goes into the queue before the check that guarantees it is dropped.
 */
async function relayAndDrop(deps: CheckDeps, onboardingId: string): Promise<'dropped'> {
  await relayOutbox(deps, onboardingId, deps.clock.now());
  return drop(deps, onboardingId);
}

async function expire(deps: CheckDeps, record: OnboardingRecord, why: string): Promise<void> {
  const result = await expireOnboarding(deps, record);
  if (result.outcome === 'expired') {
    deps.logger.info(
      { onboarding_id: record.onboarding_id, link_id: record.link_id, why },
      'onboarding expired',
    );
  } else {
    await relayAndDrop(deps, record.onboarding_id);
  }
}

/** A cancelled onboarding whose link could not be closed at cancel time: close it now. */
async function closeCancelled(deps: CheckDeps, record: OnboardingRecord): Promise<CheckOutcome> {
  const read = await request(deps, (o) => deps.client.getLink(record.link_id, o));
  if (read.kind === 'deferred') return 'deferred';
  if (read.kind === 'failed') {
    return isNotFound(read.err) ? drop(deps, record.onboarding_id) : failed(deps, record, read.err);
  }
  if (read.data.status_code !== 'OPEN') return drop(deps, record.onboarding_id);
  const closed = await request(deps, (o) => deps.client.closeLink(record.link_id, o));
  if (closed.kind === 'deferred') return 'deferred';
  if (closed.kind === 'failed' && !isNotFound(closed.err)) {
    return failed(deps, record, closed.err);
  }
  await deps.reconcileSchedule.dropCheck(record.onboarding_id);
  deps.logger.info(
    { onboarding_id: record.onboarding_id, link_id: record.link_id },
    'closed the upstream link of a cancelled onboarding',
  );
  return 'closed_upstream';
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

async function checkPending(deps: CheckDeps, record: OnboardingRecord): Promise<CheckOutcome> {
  const read = await request(deps, (o) => deps.client.getLink(record.link_id, o));
  if (read.kind === 'deferred') return 'deferred';
  if (read.kind === 'failed') {
    if (!isNotFound(read.err)) return failed(deps, record, read.err);
    await expire(deps, record, 'the upstream no longer knows the link');
    return 'expired';
  }
  const link = read.data;
  const now = deps.clock.now();
  const expiryMs = Date.parse(link.expiry_time) || Date.parse(record.expiry_time);
  const reschedule = async (): Promise<void> =>
    deps.reconcileSchedule.scheduleCheck(
      record.onboarding_id,
      nextCheckAt(Date.parse(record.created_time), expiryMs, now, deps.intervalMs),
    );
  if (link.link_id !== record.link_id) {
    deps.logger.error(
      { onboarding_id: record.onboarding_id, link_id: record.link_id },
      'the upstream answered with another link; not completing',
    );
    await reschedule();
    return 'error';
  }
  if (link.status_code === 'CLOSED' && link.login_id) {
    if (loginMatches(record, link)) {
      const result = await completeFromLink(deps, record, link, 'reconciliation');
      if (result.outcome !== 'completed') return relayAndDrop(deps, record.onboarding_id);
      deps.logger.info(
        { onboarding_id: record.onboarding_id, link_id: record.link_id },
        'reconciliation completed an onboarding whose browser never came back',
      );
      return 'completed';
    }
    await recordWrongAccount(deps, record);
  }
  if (link.status_code === 'EXPIRED' || now >= expiryMs) {
    if (link.status_code !== 'OPEN') {
      await expire(deps, record, `the link is ${link.status_code} past its expiry`);
      return 'expired';
    }
    // Still OPEN upstream after its expiry_time: close it so it stops counting against the limit.
    const closed = await request(deps, (o) => deps.client.closeLink(record.link_id, o));
    if (closed.kind === 'deferred') return 'deferred';
    if (closed.kind === 'failed' && !isNotFound(closed.err)) {
      return failed(deps, record, closed.err);
    }
    await expire(deps, record, 'the link was still OPEN after its expiry; closed it upstream');
    return 'closed_upstream';
  }
  await reschedule();
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
    return relayAndDrop(deps, onboardingId);
  if (record.status === 'cancelled') return closeCancelled(deps, record);
  return checkPending(deps, record);
}
