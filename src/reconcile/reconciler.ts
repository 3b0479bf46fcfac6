// The background reconciler that runs in every instance: claims due checks from the shared schedule in
// Redis (leased, so each onboarding is checked by one instance at a time) and checks them one by one
// within the shared upstream pause and budget.
import type { CompletionDeps } from '../onboarding/complete';
import type { Metrics } from '../ops/metrics';
import type { ExchangeInfo, SupermetricsClient } from '../supermetrics/types';
import { createUpstreamBudget } from './budget';
import {
  checkOnboarding,
  readLinkList,
  type CheckDeps,
  type CheckOutcome,
  type ListedLinks,
} from './check-onboarding';

/** Without Retry-After, a 429 pauses reconciliation this long. */
export const DEFAULT_PAUSE_SECONDS = 60;
/** When the budget refuses, the refused checks come back this much later. */
const BUDGET_RETRY_MS = 60_000;

export type ReconcileMetrics = Pick<
  Metrics,
  'onboardingTransition' | 'reconcileCheck' | 'reconciliationRun'
>;

export interface ReconcilerDeps extends Omit<CompletionDeps, 'metrics'> {
  client: SupermetricsClient;
  /** RECONCILE_INTERVAL: the first check after creation, and the base of the backoff. */
  intervalSeconds: number;
  /** RECONCILE_BUDGET_SHARE: the part of the upstream's hourly budget reconciliation may use. */
  budgetShare: number;
  metrics?: ReconcileMetrics;
  /** Checks claimed per pass; default 20. */
  batchSize?: number;
  /** How long a claimed check stays with this instance; default 60 s. */
  leaseMs?: number;
  /** Time between passes when started; default 5 s. */
  pollMs?: number;
  /** X-RateLimit-Limit assumed until one is seen; default 100. */
  assumedHourlyLimit?: number;
}

export interface ReconcileRun {
  /** Outcome → how many checks had it in this pass. */
  outcomes: Partial<Record<CheckOutcome, number>>;
  /** Set when the pass stopped early (paused or out of budget): when the refused checks come back. */
  deferredUntil: number | null;
}

export interface Reconciler {
  /** One pass: claims due checks and runs them. For tests, and the loop started by start(). */
  runOnce(): Promise<ReconcileRun>;
  start(): void;
  /** Stops the loop, waiting for the pass in progress. */
  stop(): Promise<void>;
  /** Feed every upstream exchange (the client's onExchange): rate-limit headers, and 429s pause. */
  observeExchange(info: ExchangeInfo): void;
}

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const { clock, reconcileSchedule: schedule, logger } = deps;
  const batchSize = deps.batchSize ?? 20;
  const leaseMs = deps.leaseMs ?? 60_000;
  const pollMs = deps.pollMs ?? 5_000;
  const budget = createUpstreamBudget({
    share: deps.budgetShare,
    assumedHourlyLimit: deps.assumedHourlyLimit,
  });
  let localPauseUntil = 0;
  /** Set by the gate when it refuses: when the refused check should come back. */
  let refusedUntil = 0;

  async function pause(retryAfterSeconds: number | null): Promise<number> {
    const until = clock.now() + (retryAfterSeconds ?? DEFAULT_PAUSE_SECONDS) * 1000;
    localPauseUntil = Math.max(localPauseUntil, until);
    await schedule.pauseUpstream(until);
    return until;
  }

  async function pausedUntil(): Promise<number> {
    return Math.max(localPauseUntil, await schedule.upstreamPausedUntil());
  }

  /** Asked before every reconciliation request, not only per pass: a 429 met meanwhile stops the rest. */
  async function mayRequest(): Promise<boolean> {
    const now = clock.now();
    const until = await pausedUntil();
    if (now < until) {
      refusedUntil = until;
      return false;
    }
    if (budget.reserveReached(now)) {
      refusedUntil = now + BUDGET_RETRY_MS;
      return false;
    }
    const spent = await schedule.spendReconcileBudget(budget.windowStart(now), budget.capAt(now));
    if (!spent) refusedUntil = now + BUDGET_RETRY_MS;
    return spent;
  }

  /** The pass's one list of the team's links, read when the first check needs it. */
  let passList: Promise<ListedLinks> | null = null;
  const checkDeps: CheckDeps = {
    ...deps,
    intervalMs: deps.intervalSeconds * 1000,
    mayRequest,
    rateLimited: pause,
    observe: (rateLimit) => budget.observe(rateLimit, clock.now()),
    listedLinks: () => (passList ??= readLinkList(checkDeps)),
  };

  async function deferAll(ids: string[], until: number): Promise<void> {
    for (const id of ids) await schedule.scheduleCheck(id, until);
  }

  let stopping = false;

  async function runChecks(ids: string[], run: ReconcileRun): Promise<void> {
    passList = null;
    for (const [i, id] of ids.entries()) {
      // Shutting down: the checks claimed but not started are due again now, for another instance.
      if (stopping) return deferAll(ids.slice(i), clock.now());
      let outcome: CheckOutcome;
      try {
        outcome = await checkOnboarding(checkDeps, id);
      } catch (err) {
        // Its lease runs out and the check falls due again.
        logger.warn({ err, onboarding_id: id }, 'reconciliation check failed; will retry');
        outcome = 'error';
      }
      run.outcomes[outcome] = (run.outcomes[outcome] ?? 0) + 1;
      if (outcome !== 'deferred') deps.metrics?.reconcileCheck(outcome);
      if (outcome === 'deferred' || outcome === 'rate_limited') {
        run.deferredUntil = outcome === 'deferred' ? refusedUntil : await pausedUntil();
        await deferAll(outcome === 'deferred' ? ids.slice(i) : ids.slice(i + 1), run.deferredUntil);
        return;
      }
    }
  }

  async function runOnce(): Promise<ReconcileRun> {
    const run: ReconcileRun = { outcomes: {}, deferredUntil: null };
    try {
      const now = clock.now();
      const until = await pausedUntil();
      if (now < until) {
        run.deferredUntil = until;
      } else {
        await runChecks(await schedule.claimDueChecks(now, leaseMs, batchSize), run);
      }
      deps.metrics?.reconciliationRun('ok');
    } catch (err) {
      deps.metrics?.reconciliationRun('error');
      logger.warn({ err }, 'reconciliation pass failed; will retry');
    }
    return run;
  }

  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function runLoop(): Promise<void> {
    while (running) {
      await runOnce();
      if (running) await sleep(pollMs);
    }
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = runLoop();
    },
    async stop() {
      running = false;
      stopping = true;
      wakeUp?.();
      await loop;
      loop = null;
    },
    observeExchange(info) {
      const now = clock.now();
      budget.observe(info.rateLimit, now);
      if (info.status === 429) {
        pause(info.retryAfterSeconds).catch((err: unknown) =>
          logger.warn({ err }, 'could not share the upstream pause'),
        );
      }
    },
  };
}
