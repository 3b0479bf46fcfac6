// Onboardings: create (with idempotency), get, list and cancel, over the onboarding store and the upstream client.
import { AppError } from '../errors';
import type { Clock } from '../lib/clock';
import { sha256Hex } from '../lib/constant-time';
import type { Logger } from '../lib/logger';
import type { RandomSource } from '../lib/ids';
import type { SupermetricsClient } from '../supermetrics/types';
import type {
  History,
  ListPage,
  OnboardingHistory,
  OnboardingRecord,
  OnboardingStore,
  OpenLinkIndex,
  ReconcileSchedule,
} from '../store/store';
import type { LoginLink } from '../supermetrics/types';
import { newStartToken, openStartToken, sealStartToken, startUrlOf } from './start-token';
import { DEFAULT_EXPIRY, invitationExpiry, newOnboardingRecord } from './new-onboarding';
import { changeLinks, type LinkChanges } from './links';
import { SupermetricsError } from '../supermetrics/errors';
import { linkLimitError } from './link-limit';
import { dropReconcileCheck } from './outbox-relay';
import { checkReturnUrl } from './return-url';
import type { CreateOnboardingBody, ListOnboardingsQuery } from './schemas';
import { newState } from './state';
import { upstreamToAppError } from './upstream-errors';
import { storeUnavailable } from '../store/unavailable';
import type { OnboardingMetrics } from './metrics';
import { DAY_SECONDS, PENDING_GRACE_SECONDS, RETENTION_SECONDS } from './retention';

const IDEMPOTENCY_TTL_SECONDS = DAY_SECONDS;

export interface OnboardingServiceDeps {
  onboardings: OnboardingStore;
  client: SupermetricsClient;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  publicUrl: string;
  returnUrlOrigins: readonly string[];
  metrics?: OnboardingMetrics;
  /** The shared reconciliation schedule: each new onboarding's link is re-checked while pending. */
  reconcileSchedule: ReconcileSchedule;
  /** RECONCILE_INTERVAL: seconds from creation to the first re-check. */
  reconcileIntervalSeconds: number;
  /** Our OPEN upstream links (recycling at the link limit). */
  openLinks: OpenLinkIndex;
  /** The onboardings' histories: read by GET …/history, and the links cancelling closes. */
  history: OnboardingHistory;
}

export interface CreateContext {
  apiKeyId: string;
  /** Derived from the API key, never stored: seals the start link for a replay. */
  apiKeySecret: string;
  idempotencyKey?: string;
  requestId?: string;
}

export interface CreateResult {
  record: OnboardingRecord;
  replayed: boolean;
  /** PUBLIC_URL/start/<token>: shown in the creation's answer and its replay only. */
  startUrl: string | null;
}

export function createOnboardingService(deps: OnboardingServiceDeps) {
  const { onboardings, client, clock } = deps;

  async function getOnboarding(onboardingId: string): Promise<OnboardingRecord> {
    const record = await onboardings.getOnboarding(onboardingId).catch(storeUnavailable);
    if (!record) throw new AppError('NOT_FOUND', 'No such onboarding.');
    return record;
  }

  async function replayIdempotent(
    key: string,
    fingerprint: string,
    onboardingId: string,
    sealingMaterial: string,
  ): Promise<CreateResult | null> {
    const claim = await onboardings
      .claimIdempotencyKey({ key, fingerprint, onboardingId, ttlSeconds: IDEMPOTENCY_TTL_SECONDS })
      .catch(storeUnavailable);
    if (claim.outcome === 'claimed') return null;
    if (claim.fingerprint !== fingerprint)
      throw new AppError(
        'UNPROCESSABLE_ENTITY',
        'This Idempotency-Key was used with a different request body.',
        { details: { field: 'Idempotency-Key' } },
      );
    const record = await onboardings.getOnboarding(claim.onboardingId).catch(storeUnavailable);
    if (!record)
      throw new AppError(
        'CONFLICT',
        'A request with this Idempotency-Key is still in progress; retry shortly.',
        { retryAfter: 1 },
      );
    // The start link comes back only while it is the one this creation issued (not re-issued since).
    const token = record.start_token_sealed
      ? openStartToken(record.start_token_sealed, sealingMaterial)
      : null;
    return { record, replayed: true, startUrl: token && startUrlOf(deps.publicUrl, token) };
  }

  /**
   * A fresh start token; sealed for a later replay when the creation came with an Idempotency-Key, and
   * under the first link's state when there is one (its failure page offers Try again).
   */
  function issueStartToken(
    onboardingId: string,
    sealingMaterial: string | null,
    linkState: string | null,
  ) {
    const { token, secretHash } = newStartToken(onboardingId, deps.random);
    return {
      startUrl: startUrlOf(deps.publicUrl, token),
      secretHash,
      sealed: sealingMaterial ? sealStartToken(token, sealingMaterial, deps.random) : null,
      sealedForLink: linkState ? sealStartToken(token, linkState, deps.random, 'link') : null,
    };
  }

  /** The upstream link of a "now" creation; LINK_LIMIT_EXCEEDED becomes the explained 403. */
  async function createFirstLink(body: CreateOnboardingBody, state: string, requestId?: string) {
    try {
      const { data } = await client.createLink(
        {
          ds_id: body.ds_id,
          expiry_time: body.expiry_time ?? DEFAULT_EXPIRY.now,
          description: body.description,
          ...(body.require_username === undefined
            ? {}
            : { require_username: body.require_username }),
          redirect_url: `${deps.publicUrl}/callback?state=${state}`,
        },
        { requestId },
      );
      return data;
    } catch (err) {
      if (err instanceof SupermetricsError && err.code === 'LINK_LIMIT_EXCEEDED')
        throw await linkLimitError(deps, err, requestId);
      throw upstreamToAppError(err);
    }
  }

  async function createOnboarding(
    body: CreateOnboardingBody,
    context: CreateContext,
  ): Promise<CreateResult> {
    const returnUrl =
      body.return_url === undefined ? null : checkReturnUrl(body.return_url, deps.returnUrlOrigins);
    const nowMs = clock.now();
    // An invitation's expiry is the receiver's to read: refuse a bad one before anything is claimed.
    if (body.create_link === 'on_open')
      invitationExpiry(body.expiry_time ?? DEFAULT_EXPIRY.on_open, nowMs);
    const { state, stateHash, onboardingId } = newState(deps.random);
    const idempotencyKey = context.idempotencyKey
      ? sha256Hex(`${context.apiKeyId}:${context.idempotencyKey}`)
      : null;
    const sealingMaterial = context.idempotencyKey
      ? `${context.apiKeySecret}:${context.idempotencyKey}`
      : null;
    if (idempotencyKey) {
      const replay = await replayIdempotent(
        idempotencyKey,
        sha256Hex(JSON.stringify(body)),
        onboardingId,
        sealingMaterial!,
      );
      if (replay) return replay;
    }
    const release = () =>
      idempotencyKey
        ? onboardings.releaseIdempotencyKey(idempotencyKey, onboardingId).catch(() => {})
        : undefined;

    let link: LoginLink | null = null;
    if (body.create_link === 'now') {
      try {
        link = await createFirstLink(body, state, context.requestId);
      } catch (err) {
        await release();
        throw err;
      }
    }
    const start = issueStartToken(onboardingId, sealingMaterial, link ? state : null);
    const record = newOnboardingRecord(
      body,
      {
        onboardingId,
        stateHash,
        startTokenHash: start.secretHash,
        startTokenSealed: start.sealed,
        linkStartTokenSealed: start.sealedForLink,
        returnUrl,
        nowMs,
      },
      link,
    );
    const secondsToExpiry = Math.ceil((Date.parse(record.expiry_time) - nowMs) / 1000);
    try {
      // The check first: it is what finds a lost browser and relays an outbox after a crash, so an
      // onboarding is only stored once it has one (a check whose record never came is dropped).
      await deps.reconcileSchedule.scheduleCheck(onboardingId, firstCheckAt());
      await onboardings.createOnboarding(
        record,
        Math.max(secondsToExpiry, 0) + PENDING_GRACE_SECONDS,
      );
    } catch (err) {
      // The link exists upstream but we could not remember it: close it so it does not hold a slot.
      deps.logger.error(
        { err, link_id: record.link_id },
        'store failed after link creation; closing the link',
      );
      if (link)
        await client.closeLink(link.link_id, { requestId: context.requestId }).catch(() => {});
      await release();
      storeUnavailable(err);
    }
    // A "now" link counts as visited until it expires: its customer may come any time before, with
    // the login_url you handed out, so recycling never takes it.
    if (link)
      await deps.openLinks
        .track(onboardingId, link.link_id, Date.parse(record.expiry_time))
        .catch(() => {});
    deps.metrics?.onboardingTransition('created');
    return { record, replayed: false, startUrl: start.startUrl };
  }

  /** RECONCILE_INTERVAL from now: when a check falls due first. */
  function firstCheckAt(): number {
    return clock.now() + deps.reconcileIntervalSeconds * 1000;
  }

  /** Schedules a reconciliation check (after a failed close on cancel); a failure is only logged. */
  async function scheduleCheck(onboardingId: string): Promise<void> {
    await deps.reconcileSchedule
      .scheduleCheck(onboardingId, firstCheckAt())
      .catch((err: unknown) => {
        deps.logger.error(
          { err, onboarding_id: onboardingId },
          'could not schedule the reconciliation check',
        );
      });
  }

  async function listOnboardings(query: ListOnboardingsQuery): Promise<ListPage> {
    return onboardings.listOnboardings(query).catch(storeUnavailable);
  }

  /** Closes the record's OPEN links; true when all are closed (or unknown upstream). */
  async function closeLinksNow(record: OnboardingRecord, requestId?: string): Promise<boolean> {
    const open = record.links.filter((link) => link.status === 'OPEN');
    const results = await Promise.all(
      open.map((link) =>
        client.closeLink(link.link_id, { requestId }).then(
          () => true,
          (err: unknown) => {
            const gone = err instanceof SupermetricsError && err.code === 'LINK_NOT_FOUND';
            if (!gone)
              deps.logger.warn(
                { err, onboarding_id: record.onboarding_id, link_id: link.link_id },
                'closing a cancelled link failed; the reconciler will retry',
              );
            return gone;
          },
        ),
      ),
    );
    const changes: LinkChanges = {};
    open.forEach((link, i) => {
      if (results[i]) changes[link.link_id] = { status: 'CLOSED' };
    });
    if (open.length > 0) await changeLinks(deps, record, changes).catch(() => null);
    return results.every(Boolean);
  }

  async function cancelOnboarding(
    onboardingId: string,
    requestId?: string,
  ): Promise<OnboardingRecord> {
    const result = await onboardings
      .cancelOnboarding(onboardingId, new Date(clock.now()).toISOString(), RETENTION_SECONDS)
      .catch(storeUnavailable);
    if (result.outcome === 'not_found') throw new AppError('NOT_FOUND', 'No such onboarding.');
    if (result.outcome === 'not_pending') {
      if (result.record.status === 'cancelled') return result.record;
      throw new AppError(
        'CONFLICT',
        `The onboarding is ${result.record.status} and cannot be cancelled.`,
      );
    }
    deps.metrics?.onboardingTransition('cancelled');
    // Closing upstream frees the links' slots; on failure the reconciler retries the close later.
    const closed = await closeLinksNow(result.record, requestId);
    if (closed) await dropReconcileCheck(deps, onboardingId);
    else await scheduleCheck(onboardingId);
    return result.record;
  }

  /**
   * A new start link for a pending onboarding ("resend the invitation"); the previous one stops
   * working at once. A replay of the creation no longer shows a start link after this.
   */
  async function reissueStartLink(
    onboardingId: string,
  ): Promise<{ record: OnboardingRecord; startUrl: string }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await getOnboarding(onboardingId);
      if (record.status !== 'pending')
        throw new AppError(
          'CONFLICT',
          `The onboarding is ${record.status}: its start link cannot be renewed.`,
        );
      // Links made before keep a sealed copy of the withdrawn token: their failure pages offer no Try
      // again (README "End-customer pages"); the next link made from the new start link carries it.
      const start = issueStartToken(onboardingId, null, null);
      const result = await onboardings
        .updateOnboarding(
          onboardingId,
          record.rev,
          { start_token_hash: start.secretHash, start_token_sealed: null },
          true,
        )
        .catch(storeUnavailable);
      if (result.outcome === 'updated') return { record: result.record, startUrl: start.startUrl };
      if (result.outcome === 'not_found') throw new AppError('NOT_FOUND', 'No such onboarding.');
    }
    throw new AppError('CONFLICT', 'The onboarding is changing right now; retry shortly.', {
      retryAfter: 1,
    });
  }

  /** The onboarding's history, oldest first (its first entry and the newest). */
  async function getHistory(onboardingId: string): Promise<History> {
    const history = await deps.history.read(onboardingId).catch(storeUnavailable);
    if (!history) throw new AppError('NOT_FOUND', 'No such onboarding.');
    return history;
  }

  return {
    createOnboarding,
    getOnboarding,
    getHistory,
    listOnboardings,
    cancelOnboarding,
    reissueStartLink,
  };
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;
