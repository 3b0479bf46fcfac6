// The composition root: every part of the service built from a Config, in one place. `main`, the demo,
// the sandbox and the tests all call buildService; tests pass explicit overrides (clock, random source,
// upstream, store connection), never a second way of wiring.
import { createApp, type AppDeps } from './app';
import { loadSdkBundle } from './embed/sdk-bundle';
import { DEFAULT_LOGIN_RETRY_DELAYS_MS } from './callback/verify';
import type { Config } from './config';
import {
  createMemoryRateLimiters,
  createRedisRateLimiters,
  type RateLimiters,
} from './http/rate-limit';
import { readTlsFiles, type TlsMaterial } from './http/tls';
import { systemClock, type Clock } from './lib/clock';
import { withDeadline } from './lib/deadline';
import { cryptoRandom, randomToken, type RandomSource } from './lib/ids';
import type { Logger } from './lib/logger';
import { createMetrics, type Metrics } from './ops/metrics';
import { createReconciler, type Reconciler } from './reconcile/reconciler';
import { generateSandboxCertificate } from './http/self-signed-certificate';
import { createSimulator, type RunningSimulator, type Simulator } from './simulator';
import { DEFAULT_PREFIX } from './store/keys';
import { connectRedis } from './store/redis-connection';
import type { RedisClient } from './store/scripts';
import { createMemoryStorage, createRedisStorage, MEMORY_STORAGE_WARNING } from './store/storage';
import type { Storage } from './store/store';
import { createSupermetricsClient } from './supermetrics/client';
import type { SupermetricsClientOptions } from './supermetrics/client-options';
import type { ExchangeInfo, SupermetricsClient } from './supermetrics/types';
import { createWebhookDelivery, type WebhookDelivery } from './webhooks/setup';

/** Each part closing gets this long; none may hold the exit past SIGTERM's 10 s. */
const CLOSE_DEADLINE_MS = 500;

/** What a caller may put in place of what the config says: tests, the sandbox service, the bench. */
export interface ServiceOverrides {
  clock?: Clock;
  random?: RandomSource;
  /** A Redis connection the caller opened (and closes), with its own key prefix, instead of REDIS_URL. */
  redis?: { connection: RedisClient; prefix?: string };
  /** An upstream the caller runs, instead of SUPERMETRICS_API_URL or the embedded simulator. */
  upstream?: { apiUrl: string; apiKey: string };
  /** The embedded simulator's port (0: any free port) instead of SIMULATOR_PORT. */
  simulatorPort?: number;
  /** The upstream client's retry timing (tests shorten it). */
  upstreamRetry?: SupermetricsClientOptions['retry'];
  /** Also told of every upstream exchange. */
  onUpstreamExchange?: (info: ExchangeInfo) => void;
  loginRetryDelaysMs?: readonly number[];
  /** The webhook worker's retry delays and idle poll (tests shorten them). */
  webhookRetryDelaysMs?: readonly number[];
  webhookPollMs?: number;
  /** The reconciler's idle poll between passes. */
  reconcilePollMs?: number;
  metrics?: Metrics;
}

export interface Service {
  app: ReturnType<typeof createApp>;
  /** What the app was built from: a test that swaps one part builds another app from these. */
  deps: AppDeps;
  storage: Storage;
  client: SupermetricsClient;
  metrics: Metrics;
  rateLimiters: RateLimiters;
  reconciler: Reconciler;
  /** The webhook worker when WEBHOOK_URL is set. */
  webhooks: WebhookDelivery | null;
  /** The embedded simulator (sandbox without SUPERMETRICS_API_KEY). */
  simulator: { simulator: Simulator; running: RunningSimulator } | null;
  /** TLS key and certificate to serve, or null behind a TLS-terminating proxy. */
  tls: TlsMaterial | null;
  /** Set when no API_KEYS were configured (sandbox): printed once in the banner. */
  generatedApiKey: string | null;
  /** Starts the background work every instance runs: reconciliation and webhook delivery. */
  start(): void;
  /** Stops the reconciler and the webhook worker (in-flight deliveries get until deadlineMs). */
  stopBackground(deadlineMs: number): Promise<void>;
  /** Closes the client, the simulator and the storage: after stopBackground and the HTTP drain. */
  close(): Promise<void>;
}

function openStorage(
  config: Readonly<Config>,
  clock: Clock,
  logger: Logger,
  overrides: ServiceOverrides,
): { storage: Storage; rateLimiters: RateLimiters } {
  const given = overrides.redis;
  const redis = given?.connection ?? (config.redis ? connectRedis(config.redis) : null);
  if (!redis) {
    logger.warn(MEMORY_STORAGE_WARNING);
    return {
      storage: createMemoryStorage(clock),
      rateLimiters: createMemoryRateLimiters(config.rateLimits),
    };
  }
  const prefix = given?.prefix ?? DEFAULT_PREFIX;
  return {
    storage: createRedisStorage(redis, { clock, prefix, ownsConnection: !given }),
    rateLimiters: createRedisRateLimiters(redis, config.rateLimits, prefix),
  };
}

async function startEmbeddedSimulator(
  config: Readonly<Config>,
  port: number,
): Promise<{ simulator: Simulator; running: RunningSimulator }> {
  const simulator = createSimulator({
    apiKey: config.simulator.apiKey,
    ...(port === 0 ? {} : { publicUrl: `http://localhost:${port}` }),
  });
  const running = await simulator.listen(port, '127.0.0.1').catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      err.code === 'EADDRINUSE'
        ? `The sandbox simulator cannot listen on port ${port}: it is in use. Set SIMULATOR_PORT to a free port.`
        : `The sandbox simulator could not start: ${err.message}`,
    );
  });
  return { simulator, running };
}

async function loadTls(config: Readonly<Config>): Promise<TlsMaterial | null> {
  if (config.tls) return readTlsFiles(config.tls);
  return config.trustProxy === null ? generateSandboxCertificate() : null;
}

export async function buildService(
  config: Readonly<Config>,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<Service> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const closers: (() => Promise<unknown>)[] = [];

  const { storage, rateLimiters } = openStorage(config, clock, logger, overrides);
  closers.push(() => storage.close());

  let simulator: Service['simulator'] = null;
  let upstream = overrides.upstream ?? config.supermetrics;
  // The login pages live on the API's origin upstream; the embedded simulator names its own.
  let loginOrigin = upstream ? new URL(upstream.apiUrl).origin : '';
  if (!upstream) {
    const port = overrides.simulatorPort ?? config.simulator.port;
    const embedded = await startEmbeddedSimulator(config, port);
    simulator = embedded;
    closers.push(() => embedded.running.close());
    upstream = { apiUrl: embedded.running.apiUrl, apiKey: config.simulator.apiKey };
    loginOrigin = port === 0 ? new URL(embedded.running.url).origin : `http://localhost:${port}`;
  }

  const metrics = overrides.metrics ?? createMetrics();
  let reconciler: Reconciler | null = null;
  const client = createSupermetricsClient({
    baseUrl: upstream.apiUrl,
    apiKey: upstream.apiKey,
    retry: overrides.upstreamRetry,
    onExchange: (info) => {
      metrics.observeUpstream(info);
      // Every answer's rate-limit headers feed reconciliation's budget; any 429 pauses it.
      reconciler?.observeExchange(info);
      overrides.onUpstreamExchange?.(info);
    },
  });
  closers.push(() => client.close());

  const deliveryResults = {
    delivered: 'delivered',
    retry: 'retried',
    dead: 'dead_lettered',
  } as const;
  const webhooks = config.webhook
    ? createWebhookDelivery(
        {
          ...config.webhook,
          retryDelaysMs: overrides.webhookRetryDelaysMs,
          pollMs: overrides.webhookPollMs,
        },
        storage.webhookQueue,
        clock,
        logger,
        (result) => metrics.webhookDelivery(deliveryResults[result]),
        storage.history,
      )
    : null;

  const generatedApiKey =
    config.apiKeys.length === 0 ? `sk_sandbox_${randomToken(24, random)}` : null;
  const deps: AppDeps = {
    storage,
    client,
    clock,
    random,
    logger,
    metrics,
    rateLimiters,
    apiKeys: generatedApiKey ? [generatedApiKey] : [...config.apiKeys],
    publicUrl: config.publicUrl,
    returnUrlOrigins: config.returnUrlOrigins,
    trustProxy: config.trustProxy,
    webhooksEnabled: webhooks !== null,
    onWebhookEnqueued: () => webhooks?.worker.wake(),
    loginRetryDelaysMs: overrides.loginRetryDelaysMs ?? DEFAULT_LOGIN_RETRY_DELAYS_MS,
    reconcileIntervalSeconds: config.reconcileIntervalSeconds,
    links: config.links,
    upstreamOrigin: loginOrigin,
    sdk: await loadSdkBundle(),
    brand: config.brand,
  };

  reconciler = createReconciler({
    ...deps,
    onboardings: storage.onboardings,
    events: storage.events,
    history: storage.history,
    reconcileSchedule: storage.reconcileSchedule,
    openLinks: storage.openLinks,
    intervalSeconds: config.reconcileIntervalSeconds,
    budgetShare: config.reconcileBudgetShare,
    pollMs: overrides.reconcilePollMs,
  });
  const runningReconciler = reconciler;

  return {
    app: createApp(deps),
    deps,
    storage,
    client,
    metrics,
    rateLimiters,
    reconciler,
    webhooks,
    simulator,
    tls: await loadTls(config),
    generatedApiKey,
    start() {
      runningReconciler.start();
      webhooks?.start();
    },
    async stopBackground(deadlineMs) {
      // Both stop taking work at once; deliveries in flight get until the deadline, then go back
      // to the queue. The client and the storage stay open for them (close() comes after).
      await withDeadline(
        // The worker's own deadline comes first, so it still hands unfinished deliveries back.
        Promise.all([runningReconciler.stop(), webhooks?.close(Math.max(deadlineMs - 1000, 0))]),
        deadlineMs,
      );
    },
    async close() {
      for (const close of closers.reverse()) await withDeadline(close(), CLOSE_DEADLINE_MS);
    },
  };
}
