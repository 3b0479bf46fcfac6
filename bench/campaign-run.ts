// One invitation campaign on a simulated clock: 200 customers against the receiver and the simulator,
// in-process, event by event; "now" creates every link up front, "on_open" when each customer arrives.
import { ManualClock } from '../src/lib/clock';
import { LoginRefusedError, type LoginAttempt } from '../src/simulator';
import { CampaignClient, type CreateLinkMode } from './campaign-client';
import {
  planCustomers,
  seededPrng,
  seededRandomSource,
  type CampaignShape,
  type CustomerPlan,
} from './campaign-plan';
import { startCampaignService, type CampaignSettings } from './campaign-service';
import { startCampaignUpstream, type CampaignUpstream } from './campaign-upstream';
import { EventQueue } from './event-queue';
import { OpenLinkLedger } from './open-link-ledger';
import type { LevelWithSilent } from 'pino';

export interface CampaignOptions {
  redisUrl: string;
  /** Key prefix; each mode adds its own suffix. */
  prefix: string;
  seed: number;
  shape: CampaignShape;
  linkLimit: number;
  hourlyBudget: number;
  settings: CampaignSettings;
  /** The reconciler's own poll between passes when started. */
  reconcileEverySeconds: number;
  /** A waiting page re-submits after its Retry-After, or after this many seconds without one. */
  waitRetrySeconds: number;
  /** The simulated run stops here at the latest, finished or not. */
  horizonSeconds: number;
  logLevel: LevelWithSilent;
}

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = {
  linkTtlSeconds: 3600,
  linkRecycleAfterSeconds: 600,
  reconcileIntervalSeconds: 60,
};

export interface CampaignResult {
  mode: CreateLinkMode;
  /** False when the receiver refused the mode itself (a 422 on create_link): nothing else is set. */
  supported: boolean;
  invitations: number;
  /** POST /v1/onboardings not answered 201. */
  refused: number;
  /** Upstream link creations answered 403 LINK_LIMIT_EXCEEDED. */
  upstreamRefused: number;
  completed: number;
  completedByReconciliation: number;
  /** Customers who pressed Authenticate on the upstream's page. */
  authenticated: number;
  /** Simulated seconds from the invitations to the last completion; null without any. */
  lastCompletionSeconds: number | null;
  mostOpenAtOnce: number;
  upstreamRequests: number;
  /** OPEN-link-seconds of every link the campaign created, each until closed or expired. */
  openLinkSeconds: number;
  /** The completed customers' own seconds on the login page: the least OPEN-link time they need. */
  authSecondsOfCompleted: number;
  waitingPages: number;
  /** Seconds from arriving to reaching the login page, per customer who reached it. */
  waits: number[];
  /** Invited customers who never saw the login page (still waiting, or turned away, when the run stopped). */
  neverReachedLogin: number;
  /** Problems that make the run's figures suspect (each also a failed check). */
  problems: string[];
  simulatedSeconds: number;
  wallSeconds: number;
}

interface Customer {
  plan: CustomerPlan;
  onboardingId: string;
  startUrl: string | null;
  linkId: string | null;
  arrivedMs: number;
  startVisits: number;
}

/** How often one customer may go through the start link before the bench calls it a failure. */
const MAX_START_VISITS = 10_000;
/** A waiting page's re-submission is never sooner than this, whatever Retry-After says. */
const MIN_WAIT_RETRY_SECONDS = 1;
const KEEP_REQUEST_LOG = 10_000;

function emptyResult(mode: CreateLinkMode, invitations: number): CampaignResult {
  return {
    mode,
    supported: true,
    invitations,
    refused: 0,
    upstreamRefused: 0,
    completed: 0,
    completedByReconciliation: 0,
    authenticated: 0,
    lastCompletionSeconds: null,
    mostOpenAtOnce: 0,
    upstreamRequests: 0,
    openLinkSeconds: 0,
    authSecondsOfCompleted: 0,
    waitingPages: 0,
    waits: [],
    neverReachedLogin: 0,
    problems: [],
    simulatedSeconds: 0,
    wallSeconds: 0,
  };
}

/** The key prefix of one mode's receiver. */
export function modePrefix(prefix: string, mode: CreateLinkMode): string {
  return `${prefix}${mode.replace('_', '')}`;
}

/** Lets the receiver finish what it still does after answering (e.g. upstream calls of its own). */
async function settle(upstream: CampaignUpstream): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (upstream.inFlight() === 0) return;
  }
}

export async function runCampaign(
  mode: CreateLinkMode,
  options: CampaignOptions,
): Promise<CampaignResult> {
  const wallStart = performance.now();
  const plans = planCustomers(options.seed, options.shape);
  const result = emptyResult(mode, plans.length);
  // Whole seconds, so the upstream's second-resolution times say exactly what the clock said.
  const t0 = Math.ceil(Date.now() / 1000) * 1000;
  const clock = new ManualClock(t0);
  // The mode in the seed: the two worlds draw different ids but the same customers.
  const random = seededRandomSource(
    seededPrng(options.seed ^ (mode === 'now' ? 0x6e6f77 : 0x6f6f70)),
  );
  const ledger = new OpenLinkLedger();
  const upstream = await startCampaignUpstream({
    clock,
    random,
    linkLimit: options.linkLimit,
    hourlyBudget: options.hourlyBudget,
    onCreated: (link) => ledger.opened(link.linkId, link.createdMs, link.expiryMs),
  });
  const receiver = await startCampaignService({
    redisUrl: options.redisUrl,
    prefix: modePrefix(options.prefix, mode),
    clock,
    random,
    upstream: { apiUrl: upstream.apiUrl, apiKey: upstream.apiKey },
    settings: options.settings,
    logLevel: options.logLevel,
  }).catch(async (err: unknown) => {
    await upstream.close();
    throw err;
  });
  const client = new CampaignClient(receiver.url);
  const { sim } = upstream;
  const queue = new EventQueue();
  const at = (seconds: number) => t0 + seconds * 1000;

  /** Customers whose steps are not over (arrival, waiting, login page, callback still ahead). */
  let active = 0;
  /** Authenticated onboardings not yet seen completed. */
  const awaitingCompletion = new Set<string>();
  const authSeconds = new Map<string, number>();

  function finish(): void {
    active -= 1;
  }

  function problem(text: string): void {
    if (result.problems.length < 20) result.problems.push(text);
  }

  async function authenticate(customer: Customer, attempt: LoginAttempt): Promise<void> {
    let redirectUrl: string | null;
    try {
      ({ redirectUrl } = attempt.authenticate());
    } catch (err) {
      problem(`customer ${customer.plan.index}: Authenticate refused (${(err as Error).message})`);
      return finish();
    }
    result.authenticated += 1;
    awaitingCompletion.add(customer.onboardingId);
    authSeconds.set(customer.onboardingId, customer.plan.authSeconds);
    if (customer.plan.fate === 'closes_tab') return finish();
    if (!redirectUrl) {
      problem(`customer ${customer.plan.index}: the link has no redirect_url`);
      return finish();
    }
    const answer = await client.followCallback(redirectUrl);
    if (answer.completed) awaitingCompletion.delete(customer.onboardingId);
    else problem(`customer ${customer.plan.index}: callback answered ${answer.status}`);
    finish();
  }

  function openLoginPage(customer: Customer, linkId: string): void {
    let attempt: LoginAttempt;
    try {
      attempt = sim.startAttempt(linkId);
    } catch (err) {
      if (!(err instanceof LoginRefusedError)) throw err;
      // A link no longer OPEN: an invitation goes back through its start link; a "now" link cannot.
      if (customer.startUrl) {
        problem(`customer ${customer.plan.index}: sent to a link that was ${err.reason}`);
        queue.schedule(clock.now() + options.waitRetrySeconds * 1000, () => visitStart(customer));
        return;
      }
      return finish();
    }
    result.waits.push((clock.now() - customer.arrivedMs) / 1000);
    if (customer.plan.fate === 'never_finishes') return finish();
    queue.schedule(clock.now() + customer.plan.authSeconds * 1000, () =>
      authenticate(customer, attempt),
    );
  }

  async function visitStart(customer: Customer): Promise<void> {
    customer.startVisits += 1;
    if (customer.startVisits > MAX_START_VISITS) {
      problem(`customer ${customer.plan.index}: gave up after ${MAX_START_VISITS} start visits`);
      return finish();
    }
    const answer = await client.postStart(customer.startUrl!);
    if (answer.kind === 'login') {
      const linkId = upstream.linkIdForLoginUrl(answer.loginUrl);
      if (!linkId)
        throw new Error(`POST /start sent the browser to an unknown URL ${answer.loginUrl}`);
      customer.linkId = linkId;
      return openLoginPage(customer, linkId);
    }
    if (answer.kind === 'waiting') {
      result.waitingPages += 1;
      const seconds = Math.max(
        MIN_WAIT_RETRY_SECONDS,
        answer.retryAfterSeconds ?? options.waitRetrySeconds,
      );
      queue.schedule(clock.now() + seconds * 1000, () => visitStart(customer));
      return;
    }
    problem(
      `customer ${customer.plan.index}: POST /start answered ${answer.kind === 'page' ? answer.status : answer.kind}`,
    );
    finish();
  }

  function arrive(customer: Customer): Promise<void> | void {
    customer.arrivedMs = clock.now();
    if (mode === 'on_open') return visitStart(customer);
    openLoginPage(customer, customer.linkId!);
  }

  async function reconcileTick(): Promise<void> {
    await receiver.service.reconciler.runOnce();
    await settle(upstream);
    for (const id of awaitingCompletion) {
      const record = await receiver.service.storage.onboardings.getOnboarding(id);
      if (record?.status === 'completed') awaitingCompletion.delete(id);
    }
    queue.schedule(clock.now() + options.reconcileEverySeconds * 1000, reconcileTick);
  }

  /** Links seen no longer OPEN after a step stopped being OPEN at that step's instant (or expired). */
  function observeLinks(): void {
    for (const linkId of ledger.openIds()) {
      const link = sim.getLink(linkId);
      if (!link || link.status_code !== 'OPEN') ledger.closed(linkId, clock.now());
    }
    if (sim.requests.length > KEEP_REQUEST_LOG) sim.requests.length = 0;
  }

  try {
    // t = 0: the integrator creates every invitation, one after another.
    const customers: Customer[] = [];
    for (const plan of plans) {
      const created = await client.createOnboarding(mode, String(plan.index));
      await settle(upstream);
      observeLinks();
      if (!created.ok) {
        if (mode === 'on_open' && created.status === 422 && plan.index === 0) {
          result.supported = false;
          return result;
        }
        result.refused += 1;
        continue;
      }
      if (mode === 'on_open' && !created.startUrl)
        throw new Error('an "on_open" onboarding was answered without start_url');
      if (mode === 'now' && !created.linkId)
        throw new Error('a "now" onboarding was answered without link_id');
      customers.push({
        plan,
        onboardingId: created.onboardingId,
        startUrl: mode === 'on_open' ? created.startUrl : null,
        linkId: mode === 'now' ? created.linkId : null,
        arrivedMs: 0,
        startVisits: 0,
      });
    }
    active = customers.length;
    for (const customer of customers)
      queue.schedule(at(customer.plan.arrivalSeconds), () => arrive(customer));
    queue.schedule(at(options.reconcileEverySeconds), reconcileTick);

    const horizon = at(options.horizonSeconds);
    for (let event = queue.next(); event; event = queue.next()) {
      if (event.atMs > horizon) {
        problem(
          `stopped at the ${options.horizonSeconds / 3600} h horizon: ${active} customers still on their way, ${awaitingCompletion.size} authenticated onboardings not completed`,
        );
        break;
      }
      clock.set(event.atMs);
      await event.action();
      await settle(upstream);
      observeLinks();
      if (active === 0 && awaitingCompletion.size === 0) break;
    }
    result.simulatedSeconds = (clock.now() - t0) / 1000;
    result.upstreamRequests = upstream.apiRequests();
    result.upstreamRefused = upstream.refusedCreations();
    result.neverReachedLogin = customers.length - result.waits.length;

    const completed = await client.listCompleted();
    result.completed = completed.length;
    result.completedByReconciliation = completed.filter((c) => c.via === 'reconciliation').length;
    if (completed.length > 0)
      result.lastCompletionSeconds = (Math.max(...completed.map((c) => c.completedMs)) - t0) / 1000;
    for (const onboarding of completed) {
      const seconds = authSeconds.get(onboarding.onboardingId);
      if (seconds === undefined)
        problem(`${onboarding.onboardingId} completed without a customer authenticating`);
      else result.authSecondsOfCompleted += seconds;
    }
    if (result.completed !== result.authenticated)
      problem(
        `${result.authenticated} customers authenticated, ${result.completed} onboardings completed`,
      );
    result.mostOpenAtOnce = ledger.mostAtOnce();
    result.openLinkSeconds = ledger.openSeconds();
    return result;
  } finally {
    result.wallSeconds = (performance.now() - wallStart) / 1000;
    await client.close();
    await receiver.close();
    await upstream.close();
  }
}
