// The service under test, in its own process: built from the real modules the way src/main.ts does.
import { createApp } from '../src/app';
import { systemClock } from '../src/lib/clock';
import { cryptoRandom } from '../src/lib/ids';
import { createLogger } from '../src/lib/logger';
import { startServer } from '../src/http/server';
import { createRedisRateLimiters } from '../src/http/rate-limit';
import { createMetrics } from '../src/ops/metrics';
import { generateSandboxCertificate } from '../src/sandbox/certificate';
import { connectRedis } from '../src/store/redis-connection';
import { RedisStore } from '../src/store/redis-store';
import { createSupermetricsClient } from '../src/supermetrics/client';
import { startWebhookDelivery, type WebhookDelivery } from '../src/webhooks/setup';
import type { LevelWithSilent } from 'pino';
import { announceReady, failStart, serveParent } from './child-ipc';
import { freePort } from './redis-server';

export interface ServiceInfo {
  url: string;
  apiKey: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function start(): Promise<void> {
  const logger = createLogger({
    level: (process.env.BENCH_LOG_LEVEL ?? 'info') as LevelWithSilent,
  });
  const redis = connectRedis({ url: required('BENCH_REDIS_URL') }, 'llr-bench-service');
  const store = new RedisStore(redis, {
    ownsConnection: true,
    prefix: required('BENCH_PREFIX'),
  });
  const metrics = createMetrics();
  const client = createSupermetricsClient({
    baseUrl: required('BENCH_UPSTREAM_URL'),
    apiKey: required('BENCH_UPSTREAM_KEY'),
    onExchange: (info) => metrics.observeUpstream(info),
  });
  // The defaults of WEBHOOK_TIMEOUT and WEBHOOK_CONCURRENCY (src/config.ts).
  const webhookSettings = {
    url: required('BENCH_WEBHOOK_URL'),
    secret: required('BENCH_WEBHOOK_SECRET'),
    timeoutMs: 10_000,
    concurrency: 16,
  };
  let webhooks: WebhookDelivery | null = startWebhookDelivery(
    webhookSettings,
    store,
    systemClock,
    logger,
  );
  const apiKey = required('BENCH_API_KEY');
  const port = await freePort();
  const publicUrl = `https://localhost:${port}`;
  const app = createApp({
    store,
    client,
    clock: systemClock,
    random: cryptoRandom,
    logger,
    apiKeys: [apiKey],
    publicUrl,
    returnUrlOrigins: ['https://app.bench.test'],
    webhooksEnabled: true,
    webhookQueue: store,
    onWebhookEnqueued: () => webhooks?.worker.wake(),
    trustProxy: null,
    metrics,
    // Far above the bench's load: what is measured is the limiter's cost, not refusals.
    rateLimiters:
      process.env.BENCH_RATE_LIMITS === '1'
        ? createRedisRateLimiters(redis, { callbackPerMinute: 1e9, apiPerMinute: 1e9 })
        : undefined,
  });
  const material = await generateSandboxCertificate();
  const server = await startServer({
    app,
    tls: { material },
    port,
    host: '127.0.0.1',
    logger,
  });

  serveParent(
    {
      'webhooks:stop': async () => {
        await webhooks?.close(2000);
        webhooks = null;
      },
      'webhooks:start': () => {
        webhooks ??= startWebhookDelivery(webhookSettings, store, systemClock, logger);
      },
    },
    async () => {
      await server.close(2000);
      await webhooks?.close(2000);
      await client.close();
      await store.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  );
  announceReady({ url: publicUrl, apiKey } satisfies ServiceInfo);
}

start().catch(failStart);
