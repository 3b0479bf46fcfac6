// The delivery worker that runs in every instance: claims due webhooks from the shared queue in Redis,
// delivers them with a bounded concurrency, and acknowledges only after a 2xx.
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type {
  DeliveryAttempt,
  HistoryEntry,
  OnboardingHistory,
  QueuedWebhook,
  WebhookQueue,
} from '../store/store';
import type { DeliveryOutcome } from './deliver';
import { nextRetry } from './retry-schedule';

export type DeliveryResult = 'delivered' | 'retry' | 'dead';

export interface WebhookWorkerDeps {
  queue: WebhookQueue;
  deliver: (webhook: QueuedWebhook, nowMs: number) => Promise<DeliveryOutcome>;
  clock: Clock;
  logger: Logger;
  /** Deliveries in flight at most, per instance. */
  concurrency?: number;
  /** How long a claimed webhook stays leased to this instance; past it another instance takes it. */
  leaseMs?: number;
  /** How often to look for due webhooks when not woken. */
  pollMs?: number;
  retryDelaysMs?: readonly number[];
  random?: () => number;
  onDelivery?: (result: DeliveryResult, webhook: QueuedWebhook) => void;
  /** Each attempt's outcome goes to its onboarding's history (webhook_delivered, webhook_failed). */
  history?: OnboardingHistory;
}

export interface WebhookWorker {
  start(): void;
  /** Looks for due work now (after an enqueue on this instance). */
  wake(): void;
  /** Stops claiming; waits up to deadlineMs for deliveries in flight; hands the rest back to the queue. */
  stop(deadlineMs?: number): Promise<void>;
  /** Resolves when nothing is in flight (for tests and shutdown). */
  idle(): Promise<void>;
  /**
   * Resolves once a look at the queue, begun after this call, found nothing due with nothing in flight:
   * everything due by the clock's time then was delivered or settled (for tests; only while running).
   */
  drained(): Promise<void>;
}

export function createWebhookWorker(deps: WebhookWorkerDeps): WebhookWorker {
  const concurrency = deps.concurrency ?? 16;
  const leaseMs = deps.leaseMs ?? 60_000;
  const pollMs = deps.pollMs ?? 1000;
  /** Deliveries in flight, by webhook_id. */
  const inFlight = new Map<string, Promise<void>>();
  let running = false;
  /** Set once stop() handed the unfinished deliveries back: their late outcomes are ignored. */
  let handedBack = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  /** Callers of drained() that no claim begun since has answered. */
  let drainWaiters: (() => void)[] = [];

  function wake(): void {
    wakeUp?.();
  }

  function waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function settle(
    webhook: QueuedWebhook,
    outcome: DeliveryOutcome,
    attempt: DeliveryAttempt,
  ): Promise<DeliveryResult> {
    const now = deps.clock.now();
    const attempts = webhook.attempts + 1;
    if (outcome.result === 'delivered') {
      await deps.queue.ackWebhook(webhook.webhook_id, now, attempt);
      return 'delivered';
    }
    if (outcome.result === 'retry') {
      const decision = nextRetry(
        attempts,
        outcome.retryAfterSeconds,
        deps.retryDelaysMs,
        deps.random,
      );
      if (decision.retry) {
        await deps.queue.rescheduleWebhook(
          webhook.webhook_id,
          now + decision.delayMs,
          attempts,
          outcome.error,
          attempt,
        );
        return 'retry';
      }
    }
    const why =
      outcome.result === 'refused'
        ? `${outcome.error} (refused)`
        : `${outcome.error} (retries exhausted)`;
    await deps.queue.deadLetterWebhook(webhook.webhook_id, attempts, why, now, attempt);
    return 'dead';
  }

  async function process(webhook: QueuedWebhook): Promise<void> {
    const atMs = deps.clock.now();
    const started = performance.now();
    const outcome = await deps.deliver(webhook, atMs);
    // Aborted by shutdown after being handed back: another instance owns it now, not a failure.
    if (handedBack) return;
    const attempt: DeliveryAttempt = {
      atMs,
      status: outcome.status,
      error: outcome.result === 'delivered' || outcome.status !== null ? null : outcome.error,
      durationMs: Math.round(performance.now() - started),
    };
    const result = await settle(webhook, outcome, attempt);
    deps.onDelivery?.(result, webhook);
    await recordInHistory(webhook, attempt);
    const log = {
      webhook_id: webhook.webhook_id,
      onboarding_id: webhook.onboarding_id,
      attempt: webhook.attempts + 1,
    };
    if (result === 'delivered') deps.logger.info(log, 'webhook delivered');
    else
      deps.logger.warn(
        { ...log, error: outcome.result === 'delivered' ? null : outcome.error, result },
        'webhook not delivered',
      );
  }

  /** Best effort: the delivery is settled already, and its attempt is in the event's log. */
  async function recordInHistory(webhook: QueuedWebhook, attempt: DeliveryAttempt): Promise<void> {
    if (!deps.history) return;
    const time = new Date(attempt.atMs).toISOString();
    const { webhook_id } = webhook;
    const entry: HistoryEntry =
      attempt.status !== null && attempt.status >= 200 && attempt.status < 300
        ? { type: 'webhook_delivered', time, webhook_id, status: attempt.status }
        : {
            type: 'webhook_failed',
            time,
            webhook_id,
            status: attempt.status,
            error: attempt.error,
          };
    await deps.history.append(webhook.onboarding_id, [entry]).catch((err: unknown) => {
      deps.logger.warn({ err, webhook_id }, 'could not add the delivery to the history');
    });
  }

  function begin(webhook: QueuedWebhook): void {
    const id = webhook.webhook_id;
    const done = process(webhook)
      .catch((err: unknown) => {
        // The lease runs out and another attempt follows: nothing is lost.
        deps.logger.warn(
          { err, webhook_id: id },
          'webhook work failed; it will be retried after its lease',
        );
      })
      .finally(() => {
        inFlight.delete(id);
        wake();
      });
    inFlight.set(id, done);
  }

  async function run(): Promise<void> {
    while (running) {
      const free = concurrency - inFlight.size;
      let claimed = 0;
      // Only a claim begun after drained() was called may answer it: an enqueue may have preceded the call.
      const waiters = drainWaiters;
      drainWaiters = [];
      let foundNothing = false;
      if (free > 0) {
        try {
          const webhooks = await deps.queue.claimDue(deps.clock.now(), leaseMs, free);
          claimed = webhooks.length;
          foundNothing = claimed === 0;
          for (const webhook of webhooks) if (running) begin(webhook);
        } catch (err) {
          deps.logger.warn({ err }, 'webhook queue unreachable; will retry');
        }
      }
      if (foundNothing && inFlight.size === 0) for (const resolve of waiters) resolve();
      else drainWaiters.push(...waiters);
      if (running && (claimed === 0 || claimed < free)) await waitForWork();
      else if (running && free <= 0) await waitForWork();
    }
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.all(inFlight.values());
  }

  function drained(): Promise<void> {
    return new Promise((resolve) => {
      drainWaiters.push(resolve);
      wake();
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake,
    idle,
    drained,
    async stop(deadlineMs = 8000) {
      running = false;
      wake();
      await loop;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
      await Promise.race([idle(), deadline]);
      clearTimeout(timer);
      // Whatever is still in flight goes back to the queue now, for another instance.
      const now = deps.clock.now();
      handedBack = true;
      await Promise.all(
        [...inFlight.keys()].map((webhookId) =>
          deps.queue.releaseLease(webhookId, now).catch(() => {}),
        ),
      );
    },
  };
}
