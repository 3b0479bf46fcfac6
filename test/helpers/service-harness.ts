// A whole receiver for tests: the simulator over real HTTP, the real client, a real Redis store, captured logs.
import supertest from 'supertest';
import { createApp, type AppDeps } from '../../src/app';
import { systemClock, type Clock } from '../../src/lib/clock';
import { cryptoRandom } from '../../src/lib/ids';
import type { Metrics } from '../../src/ops/metrics';
import { MemoryStore } from '../../src/store/memory-store';
import type { ReconcileSchedule, Store, WebhookQueue } from '../../src/store/store';
import { startWebhookDelivery, type WebhookDelivery } from '../../src/webhooks/setup';
import {
  createSimulator,
  type RunningSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator';
import { createSupermetricsClient } from '../../src/supermetrics/client';
import type { ExchangeInfo, SupermetricsClient } from '../../src/supermetrics/types';
import { captureLog, type CapturedLog } from './log-capture';
import { createTestRedisStore, type TestRedisStore } from './redis-store';

export const API_KEY = 'test-api-key-0123456789';
export const SIM_KEY = 'test-simulator-key';
export const PUBLIC_URL = 'https://receiver.test';

export interface HarnessOptions {
  /** A store instance (e.g. a RedisStore on Redis Cluster) is used as given and not cleaned up. */
  store?: 'redis' | 'memory' | (Store & WebhookQueue);
  /** Served on /metrics and fed by the upstream client. */
  metrics?: Metrics;
  simulator?: SimulatorOptions;
  app?: Partial<AppDeps>;
  clock?: Clock;
  /** Starts a webhook worker delivering to this URL (retry delays shortened for tests). */
  webhooks?: { url: string; retryDelaysMs?: number[]; timeoutMs?: number };
  /** Also told of every upstream exchange (e.g. a reconciler's observeExchange). */
  onUpstreamExchange?: (info: ExchangeInfo) => void;
}

export const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

export interface Harness {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  sim: Simulator;
  upstream: RunningSimulator;
  client: SupermetricsClient;
  store: Store;
  redis: TestRedisStore | null;
  log: CapturedLog;
  webhooks: WebhookDelivery | null;
  /** supertest with the API key set. */
  api(method: 'get' | 'post', path: string): supertest.Test;
  createOnboarding(
    body?: Record<string, unknown>,
  ): Promise<Record<string, unknown> & { onboarding_id: string; link_id: string }>;
  /** Authenticates the onboarding's link on the simulator; returns the callback path + query the browser would follow. */
  authenticate(linkId: string, username?: string): string;
  /** Builds another app instance on the same store/upstream (a second "instance"). */
  anotherApp(store?: Store): ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export function callbackPathOf(redirectUrl: string): string {
  const url = new URL(redirectUrl);
  if (url.origin !== PUBLIC_URL) throw new Error(`redirect to unexpected origin ${url.origin}`);
  return `${url.pathname}${url.search}`;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? systemClock;
  const sim = createSimulator({ apiKey: SIM_KEY, ...options.simulator });
  const upstream = await sim.listen(0);
  const client = createSupermetricsClient({
    baseUrl: upstream.apiUrl,
    apiKey: SIM_KEY,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    onExchange: (info) => {
      options.metrics?.observeUpstream(info);
      options.onUpstreamExchange?.(info);
    },
  });
  const given = typeof options.store === 'object' ? options.store : null;
  const redis = options.store === 'memory' || given ? null : createTestRedisStore(clock);
  const store: Store = given ?? (redis ? redis.store : new MemoryStore({ clock }));
  const log = captureLog();
  const queue = store as Store & WebhookQueue;
  const webhooks = options.webhooks
    ? startWebhookDelivery(
        {
          url: options.webhooks.url,
          secret: WEBHOOK_SECRET,
          timeoutMs: options.webhooks.timeoutMs ?? 2000,
          concurrency: 4,
          retryDelaysMs: options.webhooks.retryDelaysMs ?? [20, 20, 20, 20, 20],
          pollMs: 50,
        },
        queue,
        clock,
        log.logger,
      )
    : null;
  const deps: AppDeps = {
    store,
    client,
    clock,
    random: cryptoRandom,
    logger: log.logger,
    apiKeys: [API_KEY],
    publicUrl: PUBLIC_URL,
    returnUrlOrigins: ['https://app.example.com'],
    webhooksEnabled: true,
    webhookQueue: queue,
    onWebhookEnqueued: () => webhooks?.worker.wake(),
    loginRetryDelaysMs: [5, 5, 5],
    metrics: options.metrics,
    reconcileSchedule: store as Store & ReconcileSchedule,
    ...options.app,
  };
  const app = createApp(deps);
  const harness: Harness = {
    app,
    deps,
    sim,
    upstream,
    client,
    store,
    redis,
    log,
    webhooks,
    api: (method, path) => supertest(app)[method](path).set('Authorization', `Bearer ${API_KEY}`),
    async createOnboarding(body = { ds_id: 'GA' }) {
      const res = await harness.api('post', '/v1/onboardings').send(body);
      if (res.status !== 201)
        throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data;
    },
    authenticate(linkId, username) {
      const { redirectUrl } = sim.authenticate(linkId, username === undefined ? {} : { username });
      if (!redirectUrl) throw new Error('the link has no redirect_url');
      return callbackPathOf(redirectUrl);
    },
    anotherApp(otherStore) {
      return createApp({ ...deps, store: otherStore ?? deps.store });
    },
    async close() {
      await webhooks?.close(1000);
      await client.close();
      await upstream.close();
      if (redis) await redis.cleanup();
    },
  };
  return harness;
}

/** An onboarding whose link was authenticated: the callback the browser would follow, and its parts. */
export interface AuthenticatedCallback {
  onboardingId: string;
  linkId: string;
  path: string;
  state: string;
  verifier: string;
}

export async function authenticatedCallback(
  h: Harness,
  body: Record<string, unknown> = { ds_id: 'GA' },
): Promise<AuthenticatedCallback> {
  const onboarding = await h.createOnboarding(body);
  const path = h.authenticate(onboarding.link_id);
  const query = new URLSearchParams(path.split('?')[1]);
  return {
    onboardingId: onboarding.onboarding_id,
    linkId: onboarding.link_id,
    path,
    state: query.get('state')!,
    verifier: query.get('link_verifier')!,
  };
}
