// The campaign's customers and measurements, event by event on the simulated clock, against any receiver
// that keeps the contract: the integrator creates every invitation at t = 0, each customer arrives, opens
// the login page ("now": login_url; "on_open": through the start link and its waiting page), authenticates
// and comes back (or not); the reconciler runs every few seconds.
import type { ManualClock } from '../src/lib/clock';
import { LoginRefusedError, type LoginAttempt } from '../src/simulator';
import type { CompletedOnboarding, CreateLinkMode, Creation, StartAnswer } from './campaign-client';
import type { CustomerPlan } from './campaign-plan';
import type { CampaignUpstream } from './campaign-upstream';
import { EventQueue } from './event-queue';
import type { OpenLinkLedger } from './open-link-ledger';

/** What the campaign needs of a receiver: its API, the browser's steps, and its reconciler. */
export interface CampaignReceiver {
  createOnboarding(mode: CreateLinkMode, tag: string): Promise<Creation>;
  postStart(startUrl: string): Promise<StartAnswer>;
  followCallback(redirectUrl: string): Promise<{ completed: boolean; status: number }>;
  listCompleted(): Promise<CompletedOnboarding[]>;
  /** One reconciliation pass, as the running reconciler makes every few seconds. */
  reconcileOnce(): Promise<void>;
  isCompleted(onboardingId: string): Promise<boolean>;
}

/** The simulated world one campaign runs in; the clock drives the upstream and the receiver alike. */
export interface CampaignWorld {
  clock: ManualClock;
  /** The instant the invitations are sent. */
  t0: number;
  upstream: CampaignUpstream;
  /** Told of every link the upstream creates. */
  ledger: OpenLinkLedger;
  receiver: CampaignReceiver;
}

export interface DriveOptions {
  /** The reconciler's own poll between passes when started. */
  reconcileEverySeconds: number;
  /** A waiting page re-submits after its Retry-After, or after this many seconds without one. */
  waitRetrySeconds: number;
  /** When set, a waiting page re-submits after this many seconds whatever its Retry-After says. */
  waitEverySeconds: number | null;
  /** The simulated run stops here at the latest, finished or not. */
  horizonSeconds: number;
}

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

/** Lets the receiver finish what it still does after answering (e.g. upstream calls of its own). */
export async function settle(upstream: CampaignUpstream): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (upstream.inFlight() === 0) return;
  }
}

/** One campaign's customers and figures; drive() runs it once. */
class CampaignDriver {
  private readonly result: CampaignResult;
  private readonly queue = new EventQueue();
  private readonly customers: Customer[] = [];
  /** Customers whose steps are not over (arrival, waiting, login page, callback still ahead). */
  private active = 0;
  /** Authenticated onboardings not yet seen completed. */
  private readonly awaitingCompletion = new Set<string>();
  /** Each authenticated onboarding's customer's own seconds on the login page. */
  private readonly authSeconds = new Map<string, number>();

  constructor(
    private readonly mode: CreateLinkMode,
    private readonly plans: readonly CustomerPlan[],
    private readonly world: CampaignWorld,
    private readonly options: DriveOptions,
  ) {
    this.result = emptyResult(mode, plans.length);
  }

  async drive(): Promise<CampaignResult> {
    if (!(await this.createInvitations())) return { ...this.result, supported: false };
    const { t0, clock } = this.world;
    const at = (seconds: number) => t0 + seconds * 1000;
    for (const customer of this.customers)
      this.queue.schedule(at(customer.plan.arrivalSeconds), () => this.arrive(customer));
    this.queue.schedule(at(this.options.reconcileEverySeconds), () => this.reconcileTick());
    const horizon = at(this.options.horizonSeconds);
    for (let event = this.queue.next(); event; event = this.queue.next()) {
      if (event.atMs > horizon) {
        this.problem(
          `stopped at the ${this.options.horizonSeconds / 3600} h horizon: ${this.active} customers still on their way, ${this.awaitingCompletion.size} authenticated onboardings not completed`,
        );
        break;
      }
      clock.set(event.atMs);
      await this.step(event.action);
      if (this.active === 0 && this.awaitingCompletion.size === 0) break;
    }
    return this.measure();
  }

  /** t = 0: the integrator creates every invitation, one after another; false if the mode is refused. */
  private async createInvitations(): Promise<boolean> {
    for (const plan of this.plans) {
      const created = await this.world.receiver.createOnboarding(this.mode, String(plan.index));
      await this.step(() => {});
      if (!created.ok) {
        if (this.mode === 'on_open' && created.status === 422 && plan.index === 0) return false;
        this.result.refused += 1;
        continue;
      }
      if (this.mode === 'on_open' && !created.startUrl)
        throw new Error('an "on_open" onboarding was answered without start_url');
      if (this.mode === 'now' && !created.linkId)
        throw new Error('a "now" onboarding was answered without link_id');
      this.customers.push({
        plan,
        onboardingId: created.onboardingId,
        startUrl: this.mode === 'on_open' ? created.startUrl : null,
        linkId: this.mode === 'now' ? created.linkId : null,
        arrivedMs: 0,
        startVisits: 0,
      });
    }
    this.active = this.customers.length;
    return true;
  }

  /** Runs one action at the current instant, lets the receiver finish, and reads the links after it. */
  private async step(action: () => Promise<void> | void): Promise<void> {
    await action();
    await settle(this.world.upstream);
    const { sim } = this.world.upstream;
    for (const linkId of this.world.ledger.openIds()) {
      const link = sim.getLink(linkId);
      if (!link || link.status_code !== 'OPEN')
        this.world.ledger.closed(linkId, this.world.clock.now());
    }
    if (sim.requests.length > KEEP_REQUEST_LOG) sim.requests.length = 0;
  }

  private problem(text: string): void {
    if (this.result.problems.length < 20) this.result.problems.push(text);
  }

  private finish(): void {
    this.active -= 1;
  }

  private arrive(customer: Customer): Promise<void> | void {
    customer.arrivedMs = this.world.clock.now();
    if (this.mode === 'on_open') return this.visitStart(customer);
    this.openLoginPage(customer, customer.linkId!);
  }

  /** The Continue button, and the waiting page submitting itself again. */
  private async visitStart(customer: Customer): Promise<void> {
    customer.startVisits += 1;
    if (customer.startVisits > MAX_START_VISITS) {
      this.problem(
        `customer ${customer.plan.index}: gave up after ${MAX_START_VISITS} start visits`,
      );
      return this.finish();
    }
    const answer = await this.world.receiver.postStart(customer.startUrl!);
    if (answer.kind === 'login') {
      const linkId = this.world.upstream.linkIdForLoginUrl(answer.loginUrl);
      if (!linkId)
        throw new Error(`POST /start sent the browser to an unknown URL ${answer.loginUrl}`);
      customer.linkId = linkId;
      return this.openLoginPage(customer, linkId);
    }
    if (answer.kind === 'waiting') {
      this.result.waitingPages += 1;
      const seconds = Math.max(
        MIN_WAIT_RETRY_SECONDS,
        this.options.waitEverySeconds ?? answer.retryAfterSeconds ?? this.options.waitRetrySeconds,
      );
      this.later(seconds, () => this.visitStart(customer));
      return;
    }
    const what = answer.kind === 'page' ? `a ${answer.status} page` : answer.kind;
    this.problem(`customer ${customer.plan.index}: POST /start answered ${what}`);
    this.finish();
  }

  private openLoginPage(customer: Customer, linkId: string): void {
    let attempt: LoginAttempt;
    try {
      attempt = this.world.upstream.sim.startAttempt(linkId);
    } catch (err) {
      if (!(err instanceof LoginRefusedError)) throw err;
      // A link no longer OPEN: an invitation goes back through its start link; a "now" link cannot.
      if (customer.startUrl) {
        this.problem(`customer ${customer.plan.index}: sent to a link that was ${err.reason}`);
        this.later(this.options.waitRetrySeconds, () => this.visitStart(customer));
        return;
      }
      this.problem(`customer ${customer.plan.index}: login_url was ${err.reason} at arrival`);
      return this.finish();
    }
    this.result.waits.push((this.world.clock.now() - customer.arrivedMs) / 1000);
    if (customer.plan.fate === 'never_finishes') return this.finish();
    this.later(customer.plan.authSeconds, () => this.authenticate(customer, attempt));
  }

  private async authenticate(customer: Customer, attempt: LoginAttempt): Promise<void> {
    let redirectUrl: string | null;
    try {
      ({ redirectUrl } = attempt.authenticate());
    } catch (err) {
      this.problem(
        `customer ${customer.plan.index}: Authenticate refused (${(err as Error).message})`,
      );
      return this.finish();
    }
    this.result.authenticated += 1;
    this.awaitingCompletion.add(customer.onboardingId);
    this.authSeconds.set(customer.onboardingId, customer.plan.authSeconds);
    if (customer.plan.fate === 'closes_tab') return this.finish();
    if (!redirectUrl) {
      this.problem(`customer ${customer.plan.index}: the link has no redirect_url`);
      return this.finish();
    }
    const answer = await this.world.receiver.followCallback(redirectUrl);
    if (answer.completed) this.awaitingCompletion.delete(customer.onboardingId);
    else this.problem(`customer ${customer.plan.index}: callback answered ${answer.status}`);
    this.finish();
  }

  private async reconcileTick(): Promise<void> {
    const { receiver, upstream } = this.world;
    await receiver.reconcileOnce();
    await settle(upstream);
    for (const id of this.awaitingCompletion)
      if (await receiver.isCompleted(id)) this.awaitingCompletion.delete(id);
    this.later(this.options.reconcileEverySeconds, () => this.reconcileTick());
  }

  private later(seconds: number, action: () => Promise<void> | void): void {
    this.queue.schedule(this.world.clock.now() + seconds * 1000, action);
  }

  private async measure(): Promise<CampaignResult> {
    const { clock, t0, upstream, ledger, receiver } = this.world;
    const result = this.result;
    result.simulatedSeconds = (clock.now() - t0) / 1000;
    result.upstreamRequests = upstream.apiRequests();
    result.upstreamRefused = upstream.refusedCreations();
    result.neverReachedLogin = this.customers.length - result.waits.length;
    const completed = await receiver.listCompleted();
    result.completed = completed.length;
    result.completedByReconciliation = completed.filter((c) => c.via === 'reconciliation').length;
    if (completed.length > 0)
      result.lastCompletionSeconds = (Math.max(...completed.map((c) => c.completedMs)) - t0) / 1000;
    for (const onboarding of completed) {
      const seconds = this.authSeconds.get(onboarding.onboardingId);
      if (seconds === undefined)
        this.problem(`${onboarding.onboardingId} completed without a customer authenticating`);
      else result.authSecondsOfCompleted += seconds;
    }
    if (result.completed !== result.authenticated)
      this.problem(
        `${result.authenticated} customers authenticated, ${result.completed} onboardings completed`,
      );
    result.mostOpenAtOnce = ledger.mostAtOnce();
    result.openLinkSeconds = ledger.openSeconds();
    return result;
  }
}

/** Runs one campaign in the world given: the same plans and world give the same result. */
export function driveCampaign(
  mode: CreateLinkMode,
  plans: readonly CustomerPlan[],
  world: CampaignWorld,
  options: DriveOptions,
): Promise<CampaignResult> {
  return new CampaignDriver(mode, plans, world, options).drive();
}
