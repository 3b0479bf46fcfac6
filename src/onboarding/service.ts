// Onboardings: create (with idempotency), get, list and cancel, over the onboarding store and the upstream client.
import { AppError } from '../errors';
import type { Clock } from '../lib/clock';
import { sha256Hex } from '../lib/constant-time';
import type { Logger } from '../lib/logger';
import type { RandomSource } from '../lib/ids';
import type { SupermetricsClient } from '../supermetrics/types';
import type {
  ListPage,
  OnboardingRecord,
  OnboardingStore,
  ReconcileSchedule,
} from '../store/store';
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
}

export interface CreateContext {
  apiKeyId: string;
  idempotencyKey?: string;
  requestId?: string;
}

export interface CreateResult {
  record: OnboardingRecord;
  replayed: boolean;
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
    return { record, replayed: true };
  }

  async function createOnboarding(
    body: CreateOnboardingBody,
    context: CreateContext,
  ): Promise<CreateResult> {
    const returnUrl =
      body.return_url === undefined ? null : checkReturnUrl(body.return_url, deps.returnUrlOrigins);
    const { state, stateHash, onboardingId } = newState(deps.random);
    const idempotencyKey = context.idempotencyKey
      ? sha256Hex(`${context.apiKeyId}:${context.idempotencyKey}`)
      : null;
    if (idempotencyKey) {
      const replay = await replayIdempotent(
        idempotencyKey,
        sha256Hex(JSON.stringify(body)),
        onboardingId,
      );
      if (replay) return replay;
    }
    const release = () =>
      idempotencyKey
        ? onboardings.releaseIdempotencyKey(idempotencyKey, onboardingId).catch(() => {})
        : undefined;

    let link;
    try {
      ({ data: link } = await client.createLink(
        {
          ds_id: body.ds_id,
          expiry_time: body.expiry_time,
          description: body.description,
          ...(body.require_username === undefined
            ? {}
            : { require_username: body.require_username }),
          redirect_url: `${deps.publicUrl}/callback?state=${state}`,
        },
        { requestId: context.requestId },
      ));
    } catch (err) {
      await release();
      if (err instanceof SupermetricsError && err.code === 'LINK_LIMIT_EXCEEDED')
        throw await linkLimitError(deps, err, context.requestId);
      throw upstreamToAppError(err);
    }

    const record: OnboardingRecord = {
      onboarding_id: onboardingId,
      status: 'pending',
      ds_id: link.ds_id,
      ds_name: link.ds_name,
      link_id: link.link_id,
      login_url: link.login_url,
      description: link.description,
      require_username: body.require_username ?? null,
      return_url: returnUrl,
      metadata: body.metadata ?? null,
      created_time: new Date(clock.now()).toISOString(),
      expiry_time: new Date(link.expiry_time).toISOString(),
      completed_time: null,
      completed_via: null,
      login_id: null,
      login_username: null,
      login_time: null,
      user_id: null,
      last_error: null,
      state_hash: stateHash,
      verifier_hash: null,
    };
    const secondsToExpiry = Math.ceil((Date.parse(record.expiry_time) - clock.now()) / 1000);
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
        { err, link_id: link.link_id },
        'store failed after link creation; closing the link',
      );
      await client.closeLink(link.link_id, { requestId: context.requestId }).catch(() => {});
      await release();
      storeUnavailable(err);
    }
    deps.metrics?.onboardingTransition('created');
    return { record, replayed: false };
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
    // Closing upstream frees the link's slot; on failure the reconciler retries the close later.
    const closed = await client.closeLink(result.record.link_id, { requestId }).then(
      () => true,
      (err: unknown) => {
        deps.logger.warn(
          { err, onboarding_id: onboardingId, link_id: result.record.link_id },
          'closing a cancelled link failed; the reconciler will retry',
        );
        return false;
      },
    );
    if (closed) await dropReconcileCheck(deps, onboardingId);
    else await scheduleCheck(onboardingId);
    return result.record;
  }

  return { createOnboarding, getOnboarding, listOnboardings, cancelOnboarding };
}

export type OnboardingService = ReturnType<typeof createOnboardingService>;
