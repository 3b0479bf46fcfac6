// Builds the service's parts from the config: store, upstream client, and the sandbox stand-ins.
import type { Config } from './config';
import { randomToken, cryptoRandom } from './lib/ids';
import { systemClock } from './lib/clock';
import type { Logger } from './lib/logger';
import { generateSandboxCertificate, type TlsMaterial } from './sandbox/certificate';
import { createSimulator, type RunningSimulator } from './simulator';
import { MemoryStore } from './store/memory-store';
import { connectRedis } from './store/redis-connection';
import {
  createMemoryRateLimiters,
  createRedisRateLimiters,
  type RateLimiters,
} from './http/rate-limit';
import { RedisStore } from './store/redis-store';
import type { ReconcileSchedule, Store, WebhookQueue } from './store/store';
import { createReconciler, type Reconciler } from './reconcile/reconciler';
import { startWebhookDelivery, type WebhookDelivery } from './webhooks/setup';
import { createSupermetricsClient } from './supermetrics/client';
import { createMetrics, type Metrics } from './ops/metrics';
import type { SupermetricsClient } from './supermetrics/types';
import { readFile } from 'node:fs/promises';

const CLOSE_DEADLINE_MS = 500;

/** Waits for `work` (its failure ignored) but no longer than deadlineMs. */
function withDeadline(work: Promise<unknown>, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    deadline,
  ]).finally(() => clearTimeout(timer));
}

export interface Runtime {
  store: Store & WebhookQueue & ReconcileSchedule;
  client: SupermetricsClient;
  apiKeys: string[];
  /** Set when no API_KEYS were configured (sandbox): printed once in the banner. */
  generatedApiKey: string | null;
  /** TLS key and certificate to serve, or null behind a TLS-terminating proxy. */
  tls: TlsMaterial | null;
  simulator: RunningSimulator | null;
  /** Prometheus metrics (GET /metrics); the upstream client already feeds them. */
  metrics: Metrics;
  /** Rate limits on the store's Redis connection (in memory with the in-memory store). */
  rateLimiters: RateLimiters;
  /** The webhook worker when WEBHOOK_URL is set. */
  webhooks: WebhookDelivery | null;
  /** The reconciler every instance runs (pending onboardings re-checked upstream, expiry). */
  reconciler: Reconciler;
  /** Stops the reconciler and the webhook worker (in-flight deliveries get until deadlineMs). */
  stopBackground(deadlineMs: number): Promise<void>;
  /** Closes the client, the simulator and the store: after stopBackground and the HTTP drain. */
  close(): Promise<void>;
}

export async function readTlsFiles(files: {
  certFile: string;
  keyFile: string;
}): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([
    readFile(files.certFile, 'utf8'),
    readFile(files.keyFile, 'utf8'),
  ]);
  return { cert, key };
}

export async function buildRuntime(config: Readonly<Config>, logger: Logger): Promise<Runtime> {
  const closers: (() => Promise<unknown>)[] = [];

  let store: Store & WebhookQueue & ReconcileSchedule;
  let rateLimiters: RateLimiters;
  if (config.redis) {
    const redis = connectRedis(config.redis);
    store = new RedisStore(redis, { ownsConnection: true });
    rateLimiters = createRedisRateLimiters(redis, config.rateLimits);
  } else {
    logger.warn(MemoryStore.WARNING);
    store = new MemoryStore({ clock: systemClock });
    rateLimiters = createMemoryRateLimiters(config.rateLimits);
  }
  closers.push(() => store.close());

  let simulator: RunningSimulator | null = null;
  let upstream = config.supermetrics;
  if (!upstream) {
    const port = config.simulator.port;
    simulator = await createSimulator({
      apiKey: config.simulator.apiKey,
      publicUrl: `http://localhost:${port}`,
    })
      .listen(port, '127.0.0.1')
      .catch((err: NodeJS.ErrnoException) => {
        throw new Error(
          err.code === 'EADDRINUSE'
            ? `The sandbox simulator cannot listen on port ${port}: it is in use. Set SIMULATOR_PORT to a free port.`
            : `The sandbox simulator could not start: ${err.message}`,
        );
      });
    const running = simulator;
    closers.push(() => running.close());
    upstream = { apiUrl: simulator.apiUrl, apiKey: config.simulator.apiKey };
  }
  const metrics = createMetrics();
  let reconciler: Reconciler | null = null;
  const client = createSupermetricsClient({
    baseUrl: upstream.apiUrl,
    apiKey: upstream.apiKey,
    onExchange: (info) => {
      metrics.observeUpstream(info);
      // Every answer's rate-limit headers feed reconciliation's budget; any 429 pauses it.
      reconciler?.observeExchange(info);
    },
  });
  closers.push(() => client.close());

  const deliveryResults = {
    delivered: 'delivered',
    retry: 'retried',
    dead: 'dead_lettered',
  } as const;
  const webhooks = config.webhook
    ? startWebhookDelivery(config.webhook, store, systemClock, logger, (result) =>
        metrics.webhookDelivery(deliveryResults[result]),
      )
    : null;

  reconciler = createReconciler({
    store,
    schedule: store,
    reconcileSchedule: store,
    client,
    clock: systemClock,
    random: cryptoRandom,
    logger,
    webhooksEnabled: config.webhook !== null,
    webhookQueue: store,
    onWebhookEnqueued: () => webhooks?.worker.wake(),
    metrics,
    intervalSeconds: config.reconcileIntervalSeconds,
    budgetShare: config.reconcileBudgetShare,
  });
  reconciler.start();
  const runningReconciler = reconciler;

  const generatedApiKey =
    config.apiKeys.length === 0 ? `sk_sandbox_${randomToken(24, cryptoRandom)}` : null;
  const tls = config.tls
    ? await readTlsFiles(config.tls)
    : config.trustProxy === null
      ? await generateSandboxCertificate()
      : null;

  return {
    store,
    client,
    apiKeys: generatedApiKey ? [generatedApiKey] : [...config.apiKeys],
    generatedApiKey,
    tls,
    simulator,
    rateLimiters,
    webhooks,
    reconciler,
    metrics,
    stopBackground: async (deadlineMs) => {
      // Both stop taking work at once; deliveries in flight get until the deadline, then go back
      // to the queue. The client and the store stay open for them (close() comes after).
      await withDeadline(
        // The worker's own deadline comes first, so it still hands unfinished deliveries back.
        Promise.all([runningReconciler.stop(), webhooks?.close(Math.max(deadlineMs - 1000, 0))]),
        deadlineMs,
      );
    },
    close: async () => {
      // Each part gets a moment; none may hold the exit past SIGTERM's 10 s.
      for (const close of closers.reverse()) await withDeadline(close(), CLOSE_DEADLINE_MS);
    },
  };
}
