// The campaign's receiver: built by the composition root from a production configuration, on the shared
// simulated clock and a private key prefix, served over node:http on 127.0.0.1 behind a pretend proxy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildService, type Service } from '../src/composition-root';
import { loadConfig } from '../src/config';
import type { Clock } from '../src/lib/clock';
import type { RandomSource } from '../src/lib/ids';
import { createLogger } from '../src/lib/logger';
import { connectRedis } from '../src/store/redis-connection';
import pino, { type LevelWithSilent } from 'pino';

/** The receiver's external address, as PUBLIC_URL: redirect_url and start_url are built on it. */
export const CAMPAIGN_PUBLIC_URL = 'https://receiver.campaign.test';
/** Where customers go back to after the callback (an allowed return_url origin). */
export const CAMPAIGN_RETURN_URL = 'https://app.campaign.test/connected';
export const CAMPAIGN_API_KEY = 'sk_campaign_bench_key_0123456789';

export interface CampaignSettings {
  linkTtlSeconds: number;
  linkRecycleAfterSeconds: number;
  reconcileIntervalSeconds: number;
}

export interface CampaignService {
  service: Service;
  /** http://127.0.0.1:PORT, where PUBLIC_URL's requests actually arrive. */
  url: string;
  close(): Promise<void>;
}

export async function startCampaignService(options: {
  redisUrl: string;
  prefix: string;
  clock: Clock;
  random: RandomSource;
  upstream: { apiUrl: string; apiKey: string };
  settings: CampaignSettings;
  logLevel: LevelWithSilent;
}): Promise<CampaignService> {
  const redis = connectRedis({ url: options.redisUrl }, 'llr-bench-campaign');
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_URL: CAMPAIGN_PUBLIC_URL,
    // TLS ends at a (pretend) proxy: browser-facing requests say X-Forwarded-Proto: https.
    TRUST_PROXY: '1',
    REDIS_URL: options.redisUrl,
    SUPERMETRICS_API_URL: options.upstream.apiUrl,
    SUPERMETRICS_API_KEY: options.upstream.apiKey,
    API_KEYS: CAMPAIGN_API_KEY,
    RETURN_URL_ORIGINS: new URL(CAMPAIGN_RETURN_URL).origin,
    // Every request of the campaign comes from 127.0.0.1: the limits must not be what is measured.
    RATE_LIMIT_CALLBACK: '1000000',
    RATE_LIMIT_API: '1000000',
    LINK_TTL: String(options.settings.linkTtlSeconds),
    LINK_RECYCLE_AFTER: String(options.settings.linkRecycleAfterSeconds),
    RECONCILE_INTERVAL: String(options.settings.reconcileIntervalSeconds),
  });
  // To stderr: stdout carries only the bench's results.
  const logger = createLogger({
    level: options.logLevel,
    name: 'llr-campaign',
    destination: pino.destination({ fd: 2, sync: false }),
  });
  const service = await buildService(config, logger, {
    clock: options.clock,
    random: options.random,
    upstream: options.upstream,
    redis: { connection: redis, prefix: options.prefix },
  });
  const server: Server = createServer(service.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    service,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // Never started, so there is no background work to stop; close() ends the client and storage.
      await service.close();
      await redis.quit().catch(() => {});
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
