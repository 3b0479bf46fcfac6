// The service under test, in its own process: built by the composition root, as src/main.ts does.
import { buildService } from '../src/composition-root';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/lib/logger';
import { startServer } from '../src/http/server';
import { connectRedis } from '../src/store/redis-connection';
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
  const apiKey = required('BENCH_API_KEY');
  const port = await freePort();
  const publicUrl = `https://localhost:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    API_KEYS: apiKey,
    SUPERMETRICS_API_URL: required('BENCH_UPSTREAM_URL'),
    SUPERMETRICS_API_KEY: required('BENCH_UPSTREAM_KEY'),
    WEBHOOK_URL: required('BENCH_WEBHOOK_URL'),
    WEBHOOK_SECRET: required('BENCH_WEBHOOK_SECRET'),
    RETURN_URL_ORIGINS: 'https://app.bench.test',
    // Far above the bench's load: what is measured is the limiter's cost, not refusals.
    RATE_LIMIT_CALLBACK: '1000000',
    RATE_LIMIT_API: '1000000',
  });
  const service = await buildService(config, logger, {
    redis: { connection: redis, prefix: required('BENCH_PREFIX') },
  });
  service.start();
  const server = await startServer({
    app: service.app,
    tls: service.tls && { material: service.tls },
    port,
    host: '127.0.0.1',
    logger,
  });
  const worker = service.webhooks?.worker;

  serveParent(
    {
      'webhooks:stop': () => worker?.stop(2000),
      'webhooks:start': () => worker?.start(),
    },
    async () => {
      await Promise.all([server.close(2000), service.stopBackground(2000)]);
      await service.close();
      await redis.quit();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  );
  announceReady({ url: publicUrl, apiKey } satisfies ServiceInfo);
}

start().catch(failStart);
