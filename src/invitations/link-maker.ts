// Makes a new upstream link for an onboarding at its customer's request: a fresh state, a life of
// LINK_TTL (or less, when the invitation ends sooner); at the link limit, first frees a slot by closing
// our OPEN link whose customer was sent to it longest ago, if that was over LINK_RECYCLE_AFTER ago.
import type { Clock } from '../lib/clock';
import type { RandomSource } from '../lib/ids';
import type { Logger } from '../lib/logger';
import { changeLinks } from '../onboarding/links';
import { sealStartToken } from '../onboarding/start-token';
import { newLinkState } from '../onboarding/state';
import type {
  OnboardingHistory,
  OnboardingRecord,
  OnboardingStore,
  OpenLinkIndex,
} from '../store/store';
import { SupermetricsError } from '../supermetrics/errors';
import type { LoginLink, SupermetricsClient } from '../supermetrics/types';

/** Recycling looks at this many of the longest-unvisited links (the first ones past the age decide). */
const RECYCLE_CANDIDATES = 10;
/** Links one POST may recycle before it gives up and shows the waiting page. */
const MAX_RECYCLES = 3;
/**
 * After a LINK_LIMIT_EXCEEDED, waiting customers are not sent upstream again for this long (unless a
 * link of ours leaves, or one can be recycled): the waiting page retries every few seconds, and each
 * try would cost the hourly budget. Links of other users of the team may free a slot meanwhile.
 */
const FULL_PROBE_MS = 30_000;

export interface LinkMakerDeps {
  onboardings: OnboardingStore;
  openLinks: OpenLinkIndex;
  history: OnboardingHistory;
  client: SupermetricsClient;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  publicUrl: string;
  /** LINK_TTL and LINK_RECYCLE_AFTER, in seconds. */
  links: { ttlSeconds: number; recycleAfterSeconds: number };
}

export type MadeLink =
  | {
      kind: 'made';
      link: LoginLink;
      stateHash: string;
      /** The start token sealed under the link's state (its failure page's Try again). */
      startTokenSealed: string;
      outcome: 'created' | 'recycled';
    }
  /** At the limit with nothing to recycle, or the upstream briefly unable: the customer waits. */
  | { kind: 'no_slot' }
  /** The upstream refused the onboarding itself (say, an unknown ds_id): waiting would not help. */
  | { kind: 'refused'; code: string };

function isLinkLimit(err: unknown): boolean {
  return err instanceof SupermetricsError && err.code === 'LINK_LIMIT_EXCEEDED';
}

/** A refusal that will not change by trying again (a 4xx other than the limit and 429). */
function isRefusal(err: unknown): err is SupermetricsError {
  const status = err instanceof SupermetricsError ? (err.status ?? 0) : 0;
  return status >= 400 && status < 500 && status !== 429;
}

/**
 * Closes the OPEN link of ours whose customer was sent to it longest ago, if long enough ago. The
 * upstream lets an attempt started before a close finish, so that customer can still complete: the
 * link is marked recycled and reconciliation keeps reading it.
 */
async function recycleOne(deps: LinkMakerDeps, requestId: string): Promise<boolean> {
  const notAfter = deps.clock.now() - deps.links.recycleAfterSeconds * 1000;
  for (const candidate of await deps.openLinks.oldest(RECYCLE_CANDIDATES)) {
    if (candidate.sentMs > notAfter) return false;
    const { onboardingId, linkId } = candidate;
    if (!(await deps.openLinks.claimForRecycle(onboardingId, linkId, notAfter))) continue;
    await deps.client.closeLink(linkId, { requestId }).catch((err: unknown) => {
      if (!(err instanceof SupermetricsError && err.code === 'LINK_NOT_FOUND')) throw err;
    });
    const owner = await deps.onboardings.getOnboarding(onboardingId);
    if (owner) {
      const now = new Date(deps.clock.now()).toISOString();
      await changeLinks(deps, owner, { [linkId]: { status: 'CLOSED', recycled_time: now } });
    }
    deps.logger.info(
      { onboarding_id: onboardingId, link_id: linkId },
      'closed a link whose customer was sent to it long ago, to free a slot',
    );
    return true;
  }
  return false;
}

/** Recycles one link; a failure to (a Redis or upstream error) counts as none recycled. */
async function recycle(deps: LinkMakerDeps, requestId: string): Promise<boolean> {
  return recycleOne(deps, requestId).catch((err: unknown) => {
    deps.logger.warn({ err }, 'could not recycle a link');
    return false;
  });
}

/** `startToken`: the start link the customer came by, sealed on the new link for its Try again. */
export async function makeLink(
  deps: LinkMakerDeps,
  record: OnboardingRecord,
  startToken: string,
  requestId: string,
): Promise<MadeLink> {
  const { state, stateHash } = newLinkState(record.onboarding_id, deps.random);
  const startTokenSealed = sealStartToken(startToken, state, deps.random, 'link');
  const expiry = Math.min(
    deps.clock.now() + deps.links.ttlSeconds * 1000,
    Date.parse(record.expiry_time),
  );
  const create = () =>
    deps.client.createLink(
      {
        ds_id: record.ds_id,
        expiry_time: new Date(expiry).toISOString(),
        description: record.description,
        ...(record.require_username === null ? {} : { require_username: record.require_username }),
        redirect_url: `${deps.publicUrl}/callback?state=${state}`,
      },
      { requestId },
    );
  let recycled = 0;
  // Known full (a LINK_LIMIT_EXCEEDED a moment ago): only a recycled slot is worth an upstream try.
  if (deps.clock.now() < (await deps.openLinks.fullUntil())) {
    if (!(await recycle(deps, requestId))) return { kind: 'no_slot' };
    recycled = 1;
  }
  for (;;) {
    try {
      const { data } = await create();
      const outcome = recycled ? 'recycled' : 'created';
      return { kind: 'made', link: data, stateHash, startTokenSealed, outcome };
    } catch (err) {
      // A recycled link may free no slot (it had expired upstream unnoticed): try the next one.
      if (isLinkLimit(err) && recycled < MAX_RECYCLES && (await recycle(deps, requestId))) {
        recycled++;
        continue;
      }
      if (isLinkLimit(err)) {
        await deps.openLinks.markFull(deps.clock.now() + FULL_PROBE_MS);
        return { kind: 'no_slot' };
      }
      deps.logger.warn(
        { err, onboarding_id: record.onboarding_id },
        'could not create a link for a start link',
      );
      return isRefusal(err) ? { kind: 'refused', code: err.code } : { kind: 'no_slot' };
    }
  }
}
