// The invitation campaign on a simulated clock: "now" against the real receiver (composition root, Redis,
// simulator), "on_open" against a stand-in that keeps the invitations contract, until the receiver has them.
import Redis from 'ioredis';
import { campaignOptions } from '../../bench/campaign';
import { driveCampaign, type CampaignResult } from '../../bench/campaign-driver';
import {
  DEFAULT_SHAPE,
  planCustomers,
  seededPrng,
  seededRandomSource,
} from '../../bench/campaign-plan';
import { modePrefix, runCampaign } from '../../bench/campaign-run';
import { startCampaignUpstream } from '../../bench/campaign-upstream';
import { OpenLinkLedger } from '../../bench/open-link-ledger';
import { deletePrefix } from '../../bench/redis-memory';
import { ManualClock } from '../../src/lib/clock';
import {
  createInvitationStandIn,
  type StandInOptions,
  type StartVisit,
} from './invitation-stand-in';

const SHAPE = { ...DEFAULT_SHAPE, customers: 40, arrivalWindowSeconds: 1200 };
/** Few enough for a quick run, with more demand than three OPEN links take: some customers wait. */
const STAND_IN_SHAPE = { ...DEFAULT_SHAPE, customers: 24, arrivalWindowSeconds: 1800 };
const DAY_SECONDS = 24 * 3600;
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

describe('campaign "now" against the receiver', () => {
  const redisUrl = process.env.REDIS_URL!;
  const prefix = `llrcampaigntest${process.pid}`;
  let result: CampaignResult;

  beforeAll(async () => {
    result = await runCampaign('now', { ...campaignOptions(redisUrl, prefix, 4), shape: SHAPE });
  });

  afterAll(async () => {
    const redis = new Redis(redisUrl);
    await deletePrefix(redis, modePrefix(prefix, 'now'));
    redis.disconnect();
  });

  it('creates five links and has every later creation refused at the link limit', () => {
    expect(result.supported).toBe(true);
    expect(result.refused).toBe(SHAPE.customers - 5);
    expect(result.upstreamRefused).toBe(SHAPE.customers - 5);
    expect(result.mostOpenAtOnce).toBe(5);
  });

  it('completes exactly the invited customers who authenticated, the tab closers by reconciliation', () => {
    const invited = planCustomers(4, SHAPE).slice(0, 5);
    const authenticating = invited.filter((p) => p.fate !== 'never_finishes');
    expect(result.problems).toEqual([]);
    expect(result.completed).toBe(authenticating.length);
    expect(result.authenticated).toBe(authenticating.length);
    expect(result.completedByReconciliation).toBe(
      invited.filter((p) => p.fate === 'closes_tab').length,
    );
    expect(result.authSecondsOfCompleted).toBe(sum(authenticating.map((p) => p.authSeconds)));
    expect(result.lastCompletionSeconds).toBeGreaterThanOrEqual(
      Math.max(...authenticating.map((p) => p.arrivalSeconds + p.authSeconds)),
    );
  });

  it('counts each link OPEN from t = 0 until its customer authenticated, or its 24-hour expiry', () => {
    const invited = planCustomers(4, SHAPE).slice(0, 5);
    const expected = invited.map((p) =>
      p.fate === 'never_finishes' ? DAY_SECONDS : p.arrivalSeconds + p.authSeconds,
    );
    expect(result.openLinkSeconds).toBe(sum(expected));
  });

  it('counts the refused creations and their link-limit lookups among the upstream requests', () => {
    // 5 creations, then a creation and a list of the OPEN links for each refusal, then the reads.
    expect(result.upstreamRequests).toBeGreaterThanOrEqual(5 + 2 * (SHAPE.customers - 5) + 1);
  });
});

async function standInCampaign(
  seed: number,
  standIn: Partial<Omit<StandInOptions, 'clock' | 'upstream'>> = {},
  waitEverySeconds: number | null = null,
) {
  const clock = new ManualClock(T0);
  const ledger = new OpenLinkLedger();
  const upstream = await startCampaignUpstream({
    clock,
    random: seededRandomSource(seededPrng(seed)),
    linkLimit: 3,
    hourlyBudget: 1_000_000,
    onCreated: (link) => ledger.opened(link.linkId, link.createdMs, link.expiryMs),
  });
  const receiver = createInvitationStandIn({
    clock,
    upstream,
    recycleAfterSeconds: 600,
    retryAfterSeconds: 5,
    ...standIn,
  });
  try {
    const result = await driveCampaign(
      'on_open',
      planCustomers(seed, STAND_IN_SHAPE),
      { clock, t0: T0, upstream, ledger, receiver },
      { reconcileEverySeconds: 5, waitRetrySeconds: 5, waitEverySeconds, horizonSeconds: 6 * 3600 },
    );
    return { result, requestsSent: receiver.requestsSent(), visits: receiver.visits };
  } finally {
    await upstream.close();
  }
}

describe('campaign "on_open" against a stand-in receiver', () => {
  const plans = planCustomers(6, STAND_IN_SHAPE);
  const authenticating = plans.filter((p) => p.fate !== 'never_finishes');
  let run: Awaited<ReturnType<typeof standInCampaign>>;

  beforeAll(async () => {
    run = await standInCampaign(6);
  });

  it('completes every customer who authenticated, the tab closers by reconciliation', () => {
    const { result } = run;
    expect(result.problems).toEqual([]);
    expect(result.refused).toBe(0);
    expect(result.neverReachedLogin).toBe(0);
    expect(result.completed).toBe(authenticating.length);
    expect(result.completedByReconciliation).toBe(
      plans.filter((p) => p.fate === 'closes_tab').length,
    );
    expect(result.authSecondsOfCompleted).toBe(sum(authenticating.map((p) => p.authSeconds)));
  });

  it('keeps customers on the waiting page while the link limit is reached, never above it', () => {
    const { result } = run;
    expect(result.mostOpenAtOnce).toBe(3);
    expect(result.waitingPages).toBeGreaterThan(0);
    expect(result.upstreamRefused).toBeGreaterThan(0);
    expect(Math.max(...result.waits)).toBeGreaterThan(0);
    expect(result.waits).toHaveLength(plans.length);
  });

  it('counts every upstream request the receiver sent, and no request of its own', () => {
    expect(run.result.upstreamRequests).toBe(run.requestsSent);
  });

  it('counts at least each completed customer’s own time on the login page as OPEN-link time', () => {
    expect(run.result.openLinkSeconds).toBeGreaterThanOrEqual(run.result.authSecondsOfCompleted);
  });

  it('gives the same figures for the same seed', async () => {
    const again = await standInCampaign(6);
    expect({ ...again.result, wallSeconds: 0 }).toEqual({ ...run.result, wallSeconds: 0 });
  });

  it('re-submits a waiting page after its Retry-After, else after 5 s, or every N s when told', async () => {
    const gaps = (visits: StartVisit[]) => {
      const found = new Set<number>();
      visits.forEach((visit, i) => {
        if (visit.answer !== 'waiting') return;
        const next = visits.slice(i + 1).find((v) => v.onboardingId === visit.onboardingId);
        if (next) found.add((next.atMs - visit.atMs) / 1000);
      });
      return [...found];
    };
    expect(gaps(run.visits)).toEqual([5]);
    expect(gaps((await standInCampaign(6, { retryAfterSeconds: 20 })).visits)).toEqual([20]);
    expect(gaps((await standInCampaign(6, { retryAfterSeconds: null })).visits)).toEqual([5]);
    expect(gaps((await standInCampaign(6, { retryAfterSeconds: 20 }, 30)).visits)).toEqual([30]);
  });

  it('reports the mode unsupported, driving no customer, when the receiver refuses create_link', async () => {
    const refused = await standInCampaign(6, { refuseOnOpen: true });
    expect(refused.result.supported).toBe(false);
    expect(refused.result.upstreamRequests).toBe(0);
    expect(refused.requestsSent).toBe(0);
  });
});
