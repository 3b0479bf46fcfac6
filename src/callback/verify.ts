// GET /callback's checks, in order: state → link match → upstream link → verifier → login → completion.
import { AppError, type ErrorCode } from '../errors';
import { secretsEqual, sha256Hex } from '../lib/constant-time';
import { completeFromLink, type CompletionDeps } from '../onboarding/complete';
import { isOneOfLinks } from '../onboarding/links';
import { stateHashOf } from '../onboarding/state';
import type { OnboardingRecord } from '../store/store';
import { SupermetricsError } from '../supermetrics/errors';
import type { LoginLink, SupermetricsClient } from '../supermetrics/types';
import type { CallbackParams } from './params';

/** The completion step's deps (onboardings, queue, metrics, …) plus what only the callback needs. */
export interface CallbackDeps extends CompletionDeps {
  client: SupermetricsClient;
  /** Delays between re-reads of a link that has no login_id yet (the upstream may lag). */
  loginRetryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /** How long the callback may wait for the upstream, from its start (default 8 s). */
  upstreamDeadlineMs?: number;
}

export interface CallbackSuccess {
  record: OnboardingRecord;
  /** True when it was already completed by this link before (a reload): nothing was changed. */
  replayed: boolean;
}

/** The codes the checks fail with; params.ts and the guard answer the README table's others. */
export type CheckFailureCode = Extract<
  ErrorCode,
  | 'STATE_INVALID'
  | 'LINK_MISMATCH'
  | 'VERIFIER_MISMATCH'
  | 'LOGIN_INCOMPLETE'
  | 'LINK_NOT_FOUND'
  | 'UPSTREAM_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
>;

/** A callback failure; `record` is set when the state was valid (so a return_url may be used). */
export class CallbackFailure extends AppError {
  readonly record: OnboardingRecord | null;
  constructor(
    code: CheckFailureCode,
    message: string,
    record: OnboardingRecord | null,
    cause?: unknown,
  ) {
    super(code, message, { cause });
    this.record = record;
  }
}

/** A failed check: its code (status from the catalogue), the message for the page and last_error. */
function fail(
  code: CheckFailureCode,
  message: string,
  record: OnboardingRecord | null,
  cause?: unknown,
): CallbackFailure {
  return new CallbackFailure(code, message, record, cause);
}

/** Redis failed under the callback: the customer may simply reload later. */
function storeFailure(err: unknown): CallbackFailure {
  return fail('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable.', null, err);
}

/** Compares with every state hash the onboarding has (each in constant time, all of them always). */
function stateBelongsTo(record: OnboardingRecord, stateHash: string): boolean {
  let found = secretsEqual(record.state_hash, stateHash);
  for (const link of record.links) found = secretsEqual(link.state_hash, stateHash) || found;
  return found;
}

export const DEFAULT_LOGIN_RETRY_DELAYS_MS = [250, 500, 1000];
/**
 * The customer gets an answer within 10 s whatever the upstream does: the upstream part of the checks
 * is cut off here (leaving time for the store writes and the answer), and the customer is told the
 * connection is being confirmed.
 */
export const UPSTREAM_DEADLINE_MS = 8000;
/** After the upstream failed a callback, reconciliation reads the link again this soon (then backs off). */
export const RECHECK_AFTER_UPSTREAM_FAILURE_MS = 20_000;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCallbackVerifier(deps: CallbackDeps) {
  const delays = deps.loginRetryDelaysMs ?? DEFAULT_LOGIN_RETRY_DELAYS_MS;
  const sleep = deps.sleep ?? defaultSleep;
  const deadlineMs = deps.upstreamDeadlineMs ?? UPSTREAM_DEADLINE_MS;

  async function findOnboarding(state: string): Promise<OnboardingRecord> {
    const { stateHash, onboardingId } = stateHashOf(state);
    let record: OnboardingRecord | null;
    try {
      record = await deps.onboardings.getOnboarding(onboardingId);
    } catch (err) {
      throw storeFailure(err);
    }
    // A first state derives the id from its hash (this compare guards against a truncated-id
    // collision); a later link's state names the id, so its hash must be one of the links' hashes.
    if (!record || !stateBelongsTo(record, stateHash))
      throw fail('STATE_INVALID', 'This sign-in link is unknown or has expired.', null);
    return record;
  }

  async function readLink(
    record: OnboardingRecord,
    linkId: string,
    requestId: string,
    signal: AbortSignal,
  ): Promise<LoginLink> {
    try {
      return (await deps.client.getLink(linkId, { requestId, signal })).data;
    } catch (err) {
      if (err instanceof SupermetricsError && err.code === 'LINK_NOT_FOUND')
        throw fail('LINK_NOT_FOUND', 'Supermetrics does not know this login link.', record, err);
      const message = 'Supermetrics could not be reached; please retry.';
      throw fail('UPSTREAM_UNAVAILABLE', message, record, err);
    }
  }

  function checkVerifier(record: OnboardingRecord, link: LoginLink, params: CallbackParams): void {
    // An empty redirect_verifier would make any verifier meaningless: treat it as a mismatch.
    const matches = secretsEqual(params.linkVerifier, link.redirect_verifier);
    if (!matches || link.redirect_verifier === '' || link.link_id !== params.linkId)
      throw fail('VERIFIER_MISMATCH', 'The sign-in could not be verified.', record);
  }

  /** Reads the link until it carries a login_id, for about two seconds in all. */
  async function readAuthenticatedLink(
    record: OnboardingRecord,
    params: CallbackParams,
    requestId: string,
    signal: AbortSignal,
  ) {
    for (let attempt = 0; ; attempt++) {
      const link = await readLink(record, params.linkId, requestId, signal);
      checkVerifier(record, link, params);
      if (link.login_id) return link;
      if (attempt >= delays.length)
        throw fail('LOGIN_INCOMPLETE', 'The data source sign-in has not finished.', record);
      await sleep(delays[attempt]!);
    }
  }

  function checkUsername(record: OnboardingRecord, link: LoginLink): void {
    if (record.require_username !== null && link.login_username !== record.require_username) {
      const message = 'The sign-in used a different account than the one required.';
      throw fail('LOGIN_INCOMPLETE', message, record);
    }
  }

  /**
   * A reload after success: the verifier is checked against the hash stored at completion, so the
   * answer does not depend on the upstream being reachable and costs it nothing.
   */
  function replayFromStore(record: OnboardingRecord, linkVerifier: string): CallbackSuccess {
    if (!secretsEqual(sha256Hex(linkVerifier), record.verifier_hash!))
      throw fail('VERIFIER_MISMATCH', 'The sign-in could not be verified.', record);
    return { record, replayed: true };
  }

  /**
   * The upstream reads, cut off at the deadline (counted from `startedAt`): the request in flight is
   * aborted, and a retry's wait (a Retry-After may be long) is not waited for.
   */
  async function readBeforeDeadline(
    record: OnboardingRecord,
    params: CallbackParams,
    requestId: string,
    startedAt: number,
  ): Promise<LoginLink> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          controller.abort();
          const message = `Supermetrics did not answer within ${deadlineMs / 1000} s; reconciliation will finish the connection.`;
          reject(fail('UPSTREAM_UNAVAILABLE', message, record));
        },
        Math.max(0, deadlineMs - (performance.now() - startedAt)),
      );
    });
    const reading = readAuthenticatedLink(record, params, requestId, controller.signal);
    // Once cut off, the abandoned reads end in an abort; that outcome is already answered.
    reading.catch(() => undefined);
    try {
      return await Promise.race([reading, cutOff]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The upstream failed the callback: the reconciler reads the link again soon, not at its usual time. */
  async function recheckSoon(record: OnboardingRecord): Promise<void> {
    const at = deps.clock.now() + RECHECK_AFTER_UPSTREAM_FAILURE_MS;
    await deps.reconcileSchedule.scheduleCheck(record.onboarding_id, at).catch((err: unknown) => {
      deps.logger.warn(
        { err, onboarding_id: record.onboarding_id },
        'could not bring the reconciliation check forward',
      );
    });
  }

  async function recordFailure(failure: CallbackFailure): Promise<void> {
    if (!failure.record || failure.code === 'SERVICE_UNAVAILABLE') return;
    const lastError = {
      code: failure.code,
      message: failure.message,
      time: new Date(deps.clock.now()).toISOString(),
    };
    await deps.onboardings
      .recordFailure(failure.record.onboarding_id, lastError)
      .catch((err: unknown) => {
        deps.logger.warn(
          { err, onboarding_id: failure.record!.onboarding_id },
          'could not record the callback failure',
        );
      });
  }

  async function verifyAndComplete(
    params: CallbackParams,
    requestId: string,
    startedAt: number,
  ): Promise<CallbackSuccess> {
    const record = await findOnboarding(params.state);
    const reloadAfterSuccess = record.status === 'completed' && record.link_id === params.linkId;
    if (record.status !== 'pending' && !reloadAfterSuccess) {
      const message = `This sign-in link is no longer valid (${record.status}).`;
      throw fail('STATE_INVALID', message, record);
    }
    if (!isOneOfLinks(record, params.linkId))
      throw fail('LINK_MISMATCH', 'The login link does not belong to this sign-in.', record);
    if (record.status === 'completed' && record.verifier_hash !== null)
      return replayFromStore(record, params.linkVerifier);
    const link = await readBeforeDeadline(record, params, requestId, startedAt);
    checkUsername(record, link);
    let result;
    try {
      result = await completeFromLink(deps, record, link, 'callback');
    } catch (err) {
      throw storeFailure(err);
    }
    if (result.outcome === 'completed') return { record: result.record, replayed: false };
    if (result.outcome === 'already_completed') return { record: result.record, replayed: true };
    throw fail('STATE_INVALID', 'This sign-in link is no longer valid.', record);
  }

  /**
   * Runs the checks; a failure is recorded on the onboarding (never consuming it) and rethrown. An
   * upstream failure (slow or down) also brings the onboarding's reconciliation check forward.
   */
  return async function handleCallback(
    params: CallbackParams,
    requestId: string,
  ): Promise<CallbackSuccess> {
    const startedAt = performance.now();
    try {
      return await verifyAndComplete(params, requestId, startedAt);
    } catch (err) {
      if (err instanceof CallbackFailure) {
        await recordFailure(err);
        if (err.record && err.code === 'UPSTREAM_UNAVAILABLE') await recheckSoon(err.record);
      }
      throw err;
    }
  };
}

export type CallbackHandler = ReturnType<typeof createCallbackVerifier>;
