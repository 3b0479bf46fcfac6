// A whole receiver for tests, built by the composition root: the simulator over real HTTP, a real Redis
// store (or memory), captured logs. Settings go in as environment variables, like production's.
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { buildService, type Service } from '../../src/composition-root';
import { loadConfig } from '../../src/config';
import { systemClock, type Clock } from '../../src/lib/clock';
import type { Metrics } from '../../src/ops/metrics';
import type { RedisClient } from '../../src/store/scripts';
import type { Storage } from '../../src/store/store';
import type { WebhookDelivery } from '../../src/webhooks/setup';
import {
  createSimulator,
  type RunningSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator';
import type { ExchangeInfo, SupermetricsClient } from '../../src/supermetrics/types';
import { captureLog, type CapturedLog } from './log-capture';
import { createTestRedisStore, type TestRedisStore } from './redis-store';

export const API_KEY = 'test-api-key-0123456789';
export const SIM_KEY = 'test-simulator-key';
export const PUBLIC_URL = 'https://receiver.test';
export const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

export interface HarnessOptions {
  /** 'redis' (default): a private prefix on the test Redis; or a connection (e.g. a Cluster) used as given. */
  store?: 'redis' | 'memory' | { connection: RedisClient; prefix: string };
  /** Environment variables on top of the harness's own (API_KEYS, TRUST_PROXY, RETURN_URL_ORIGINS, …). */
  env?: Record<string, string>;
  metrics?: Metrics;
  simulator?: SimulatorOptions;
  clock?: Clock;
  /** Where the logs go (default: a fresh capture). */
  log?: CapturedLog;
  /** Starts the webhook worker delivering to this URL (retry delays shortened for tests). */
  webhooks?: { url: string; retryDelaysMs?: number[]; timeoutMs?: number };
  /** Also told of every upstream exchange. */
  onUpstreamExchange?: (info: ExchangeInfo) => void;
}

export interface Harness {
  service: Service;
  app: Service['app'];
  deps: Service['deps'];
  storage: Storage;
  sim: Simulator;
  upstream: RunningSimulator;
  client: SupermetricsClient;
  redis: TestRedisStore | null;
  log: CapturedLog;
  /** The webhook worker, running only when options.webhooks was given. */
  webhooks: WebhookDelivery | null;
  /** supertest with the API key set. */
  api(method: 'get' | 'post', path: string): supertest.Test;
  createOnboarding(
    body?: Record<string, unknown>,
  ): Promise<Record<string, unknown> & { onboarding_id: string; link_id: string }>;
  /** Authenticates the onboarding's link on the simulator; returns the callback path + query the browser would follow. */
  authenticate(linkId: string, username?: string): string;
  /**
   * A second instance, built by the same root on its own Redis connection (same prefix); `clock`
   * gives it a clock of its own (instances' clocks drift apart).
   */
  anotherInstance(connection: RedisClient, own?: { clock?: Clock }): Promise<Service>;
  /** The same deps with some storage parts replaced (a failing store, a flaky queue): another app. */
  appWithStorage(parts: Partial<Storage>): ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export function callbackPathOf(redirectUrl: string): string {
  const url = new URL(redirectUrl);
  if (url.origin !== PUBLIC_URL) throw new Error(`redirect to unexpected origin ${url.origin}`);
  return `${url.pathname}${url.search}`;
}

function harnessEnv(options: HarnessOptions): Record<string, string> {
  return {
    PUBLIC_URL,
    API_KEYS: API_KEY,
    RETURN_URL_ORIGINS: 'https://app.example.com',
    // Tests send many requests from one address; the rate-limit tests set their own limits.
    RATE_LIMIT_CALLBACK: '1000000',
    RATE_LIMIT_API: '1000000',
    // Completions always write their webhook event; it is delivered only when the test starts the
    // worker (options.webhooks), else it waits in the queue for a receiver nobody runs.
    WEBHOOK_URL: options.webhooks?.url ?? 'http://127.0.0.1:9/not-delivered',
    WEBHOOK_SECRET,
    WEBHOOK_TIMEOUT: String(Math.ceil((options.webhooks?.timeoutMs ?? 2000) / 1000)),
    WEBHOOK_CONCURRENCY: '4',
    ...options.env,
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? systemClock;
  const sim = createSimulator({ apiKey: SIM_KEY, ...options.simulator });
  const upstream = await sim.listen(0);
  const given = typeof options.store === 'object' ? options.store : null;
  const redis = options.store === 'memory' || given ? null : createTestRedisStore(clock);
  const log = options.log ?? captureLog();
  const config = loadConfig(harnessEnv(options));
  const overridesFor = (connection: RedisClient | null, prefix?: string, ownClock = clock) => ({
    clock: ownClock,
    redis: connection ? { connection, prefix } : undefined,
    upstream: { apiUrl: upstream.apiUrl, apiKey: SIM_KEY },
    upstreamRetry: { baseDelayMs: 1, maxDelayMs: 5 },
    onUpstreamExchange: options.onUpstreamExchange,
    loginRetryDelaysMs: [5, 5, 5],
    webhookRetryDelaysMs: options.webhooks?.retryDelaysMs ?? [20, 20, 20, 20, 20],
    webhookPollMs: 50,
    metrics: options.metrics,
  });
  const connection = given?.connection ?? redis?.redis ?? null;
  const prefix = given?.prefix ?? redis?.prefix;
  const service = await buildService(config, log.logger, overridesFor(connection, prefix));
  if (options.webhooks) service.webhooks?.start();
  const others: Service[] = [];
  let closed = false;
  const harness: Harness = {
    service,
    app: service.app,
    deps: service.deps,
    storage: service.storage,
    sim,
    upstream,
    client: service.client,
    redis,
    log,
    webhooks: options.webhooks ? service.webhooks : null,
    api: (method, path) =>
      supertest(service.app)[method](path).set('Authorization', `Bearer ${API_KEY}`),
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
    async anotherInstance(otherConnection, own = {}) {
      const other = await buildService(
        config,
        log.logger,
        overridesFor(otherConnection, prefix, own.clock ?? clock),
      );
      if (options.webhooks) other.webhooks?.start();
      others.push(other);
      return other;
    },
    appWithStorage(parts) {
      return createApp({ ...service.deps, storage: { ...service.storage, ...parts } });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of [...others, service]) {
        await s.stopBackground(1000);
        await s.close();
      }
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
