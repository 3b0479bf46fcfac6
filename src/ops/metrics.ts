// Prometheus metrics: one Registry per createMetrics() (no global registry), and named recorders for each subsystem.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OnboardingMetrics } from '../onboarding/metrics';
import type { WebhookQueueStats } from '../store/store';
import type { ExchangeInfo } from '../supermetrics/types';

/** Outcomes counted by llr_webhook_deliveries_total{result}. */
export type WebhookDeliveryResult = 'delivered' | 'retried' | 'dead_lettered';
/** Outcomes counted by llr_reconciliation_runs_total{result}. */
export type ReconciliationResult = 'ok' | 'error';
/** Outcomes counted by llr_reconciliation_checks_total{result}: one per onboarding checked. */
export type ReconcileCheckResult =
  | 'completed'
  | 'still_pending'
  | 'expired'
  | 'closed_upstream'
  | 'rate_limited'
  | 'error'
  | 'dropped';

export interface Metrics extends OnboardingMetrics {
  readonly registry: Registry;
  /** A callback answered with this outcome: COMPLETED, COMPLETED_REPLAY or an error code. */
  callbackOutcome(outcome: string): void;
  /** One upstream HTTP exchange (pass as the Supermetrics client's onExchange). */
  observeUpstream(info: ExchangeInfo): void;
  webhookDelivery(result: WebhookDeliveryResult): void;
  setQueueStats(stats: WebhookQueueStats): void;
  reconciliationRun(result: ReconciliationResult): void;
  reconcileCheck(result: ReconcileCheckResult): void;
  /** A start link answered a POST with this outcome (reused, created, recycled, waiting, completed, ended). */
  startOutcome(outcome: string): void;
  /** How many OPEN upstream links of this receiver there are (read from the shared index). */
  setOpenLinks(count: number): void;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
}

// Upstream calls are a few hundred ms normally; retries with backoff and timeouts reach 10 s and more.
const UPSTREAM_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const callbacks = new Counter({
    name: 'llr_callbacks_total',
    help: 'Callbacks answered, by outcome (COMPLETED, COMPLETED_REPLAY or the error code).',
    labelNames: ['outcome'],
    registers,
  });
  const upstreamRequests = new Counter({
    name: 'llr_upstream_requests_total',
    help: 'HTTP exchanges with the Supermetrics API (one per attempt), by endpoint and status ("error" when no answer came).',
    labelNames: ['endpoint', 'status'],
    registers,
  });
  const upstreamDuration = new Histogram({
    name: 'llr_upstream_request_duration_seconds',
    help: 'Duration of each exchange with the Supermetrics API, by endpoint.',
    labelNames: ['endpoint'],
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const upstreamRemaining = new Gauge({
    name: 'llr_upstream_ratelimit_remaining',
    help: 'X-RateLimit-Remaining of the last Supermetrics answer that carried it (NaN until one did).',
    registers,
  });
  // Not 0 before the first answer: 0 would read as an exhausted budget.
  upstreamRemaining.set(Number.NaN);
  const onboardings = new Counter({
    name: 'llr_onboardings_total',
    help: 'Onboarding transitions: created, completed, cancelled, expired.',
    labelNames: ['status'],
    registers,
  });
  const webhookDeliveries = new Counter({
    name: 'llr_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by result (delivered, retried, dead_lettered).',
    labelNames: ['result'],
    registers,
  });
  const queueDepth = new Gauge({
    name: 'llr_webhook_queue_depth',
    help: 'Webhooks waiting or in flight (not dead letters).',
    registers,
  });
  const queueOldestAge = new Gauge({
    name: 'llr_webhook_queue_oldest_age_seconds',
    help: 'Age of the oldest queued webhook in seconds (0 when the queue is empty).',
    registers,
  });
  const deadLetters = new Gauge({
    name: 'llr_dead_letters',
    help: 'Webhooks kept as dead letters.',
    registers,
  });
  const reconciliationRuns = new Counter({
    name: 'llr_reconciliation_runs_total',
    help: 'Reconciliation passes, by result (ok, error).',
    labelNames: ['result'],
    registers,
  });

  const reconcileChecks = new Counter({
    name: 'llr_reconciliation_checks_total',
    help: 'Reconciliation checks of one onboarding, by result (completed, still_pending, expired, closed_upstream, rate_limited, error, dropped).',
    labelNames: ['result'],
    registers,
  });

  const starts = new Counter({
    name: 'llr_start_total',
    help: 'POSTs of start links, by outcome (reused, created, recycled, waiting, completed, ended).',
    labelNames: ['outcome'],
    registers,
  });
  const openLinks = new Gauge({
    name: 'llr_upstream_open_links',
    help: 'OPEN upstream links of this receiver (made for its onboardings and not yet closed or expired).',
    registers,
  });

  return {
    registry,
    startOutcome(outcome) {
      starts.inc({ outcome });
    },
    setOpenLinks(count) {
      openLinks.set(count);
    },
    callbackOutcome(outcome) {
      callbacks.inc({ outcome: outcome || 'UNKNOWN' });
    },
    observeUpstream(info) {
      upstreamRequests.inc({
        endpoint: info.endpoint,
        status: info.status === null ? 'error' : String(info.status),
      });
      upstreamDuration.observe({ endpoint: info.endpoint }, info.durationMs / 1000);
      if (info.rateLimit.remaining !== null) upstreamRemaining.set(info.rateLimit.remaining);
    },
    onboardingTransition(status) {
      onboardings.inc({ status });
    },
    webhookDelivery(result) {
      webhookDeliveries.inc({ result });
    },
    setQueueStats(stats) {
      queueDepth.set(stats.depth);
      queueOldestAge.set(stats.oldestAgeMs === null ? 0 : stats.oldestAgeMs / 1000);
      deadLetters.set(stats.deadLetters);
    },
    reconciliationRun(result) {
      reconciliationRuns.inc({ result });
    },
    reconcileCheck(result) {
      reconcileChecks.inc({ result });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
