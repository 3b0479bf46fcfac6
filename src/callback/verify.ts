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
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCallbackVerifier(deps: CallbackDeps) {
  const delays = deps.loginRetryDelaysMs ?? DEFAULT_LOGIN_RETRY_DELAYS_MS;
  const sleep = deps.sleep ?? defaultSleep;

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
  ): Promise<LoginLink> {
    try {
      return (await deps.client.getLink(linkId, { requestId })).data;
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
  ) {
    for (let attempt = 0; ; attempt++) {
      const link = await readLink(record, params.linkId, requestId);
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
    const link = await readAuthenticatedLink(record, params, requestId);
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

  /** Runs the checks; a failure is recorded on the onboarding (never consuming it) and rethrown. */
  return async function handleCallback(
    params: CallbackParams,
    requestId: string,
  ): Promise<CallbackSuccess> {
    try {
      return await verifyAndComplete(params, requestId);
    } catch (err) {
      if (err instanceof CallbackFailure) await recordFailure(err);
      throw err;
    }
  };
}

export type CallbackHandler = ReturnType<typeof createCallbackVerifier>;
