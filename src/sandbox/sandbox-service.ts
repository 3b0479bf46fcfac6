// A complete sandbox receiver on free ports, built by the composition root like production (reconciler,
// rate limits, webhook worker), with the embedded simulator and a self-signed certificate: for the demo
// and the browser tests.
import { createServer, type AddressInfo } from 'node:net';
import { buildService, type Service } from '../composition-root';
import { loadConfig } from '../config';
import { startServer } from '../http/server';
import { cryptoRandom, randomToken } from '../lib/ids';
import type { Logger } from '../lib/logger';
import type { RunningSimulator, Simulator } from '../simulator';
import type { RedisClient } from '../store/scripts';

export interface SandboxServiceOptions {
  logger: Logger;
  returnUrlOrigins?: string[];
  /** Deliver webhooks here, signed with this secret. */
  webhook?: { url: string; secret: string };
  /** Keep onboardings in this Redis (under this key prefix) instead of memory. */
  redis?: { connection: RedisClient; prefix?: string };
  /** BRAND_NAME and BRAND_COLOR for the end-customer pages. */
  brand?: { name?: string; color?: string };
}

export interface SandboxService {
  /** https://localhost:PORT */
  url: string;
  apiKey: string;
  /** The self-signed certificate, to trust it in a client. */
  certificate: string;
  simulator: Simulator;
  upstream: RunningSimulator;
  service: Service;
  close(): Promise<void>;
}

/** A port nobody listens on now: PUBLIC_URL must name the port before the service is built. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startSandboxService(options: SandboxServiceOptions): Promise<SandboxService> {
  const port = await freePort();
  const url = `https://localhost:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    RETURN_URL_ORIGINS: (options.returnUrlOrigins ?? []).join(','),
    WEBHOOK_URL: options.webhook?.url,
    WEBHOOK_SECRET: options.webhook?.secret,
    SIMULATOR_API_KEY: `sim_${randomToken(12, cryptoRandom)}`,
    BRAND_NAME: options.brand?.name,
    BRAND_COLOR: options.brand?.color,
  });
  const service = await buildService(config, options.logger, {
    simulatorPort: 0,
    redis: options.redis,
  });
  const { simulator, tls, generatedApiKey } = service;
  if (!simulator || !tls || !generatedApiKey)
    throw new Error('the sandbox service needs the embedded simulator, TLS and a generated key');
  service.start();
  const server = await startServer({
    app: service.app,
    tls: { material: tls },
    port,
    host: '127.0.0.1',
    logger: options.logger,
  });
  return {
    url,
    apiKey: generatedApiKey,
    certificate: tls.cert,
    simulator: simulator.simulator,
    upstream: simulator.running,
    service,
    close: async () => {
      await Promise.all([server.close(2000), service.stopBackground(2000)]);
      await service.close();
    },
  };
}
