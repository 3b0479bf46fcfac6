// A complete sandbox receiver on free ports (simulator, store, self-signed HTTPS): for the demo and e2e tests.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app';
import { systemClock } from '../lib/clock';
import { cryptoRandom, randomToken } from '../lib/ids';
import type { Logger } from '../lib/logger';
import { createSimulator, type RunningSimulator, type Simulator } from '../simulator';
import { MemoryStore } from '../store/memory-store';
import type { Store, WebhookQueue } from '../store/store';
import { startWebhookDelivery } from '../webhooks/setup';
import { createSupermetricsClient } from '../supermetrics/client';
import { generateSandboxCertificate } from './certificate';
import { createMetrics } from '../ops/metrics';

export interface SandboxServiceOptions {
  logger: Logger;
  /** Default: an in-memory store. */
  store?: Store & WebhookQueue;
  returnUrlOrigins?: string[];
  /** Deliver webhooks here, signed with this secret. */
  webhook?: { url: string; secret: string };
}

export interface SandboxService {
  /** https://localhost:PORT */
  url: string;
  apiKey: string;
  /** The self-signed certificate, to trust it in a client. */
  certificate: string;
  simulator: Simulator;
  upstream: RunningSimulator;
  store: Store & WebhookQueue;
  close(): Promise<void>;
}

export async function startSandboxService(options: SandboxServiceOptions): Promise<SandboxService> {
  const simulatorKey = `sim_${randomToken(12)}`;
  const simulator = createSimulator({ apiKey: simulatorKey });
  const upstream = await simulator.listen(0, '127.0.0.1');
  const metrics = createMetrics();
  const client = createSupermetricsClient({
    baseUrl: upstream.apiUrl,
    apiKey: simulatorKey,
    onExchange: (info) => metrics.observeUpstream(info),
  });
  const store = options.store ?? new MemoryStore({ clock: systemClock });
  const tls = await generateSandboxCertificate();
  const server: Server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;
  const apiKey = `sk_sandbox_${randomToken(24)}`;
  const webhooks = options.webhook
    ? startWebhookDelivery(
        { ...options.webhook, timeoutMs: 5000, concurrency: 4, pollMs: 200 },
        store,
        systemClock,
        options.logger,
      )
    : null;
  const app = createApp({
    store,
    client,
    clock: systemClock,
    random: cryptoRandom,
    logger: options.logger,
    apiKeys: [apiKey],
    publicUrl: url,
    returnUrlOrigins: options.returnUrlOrigins ?? [],
    webhooksEnabled: webhooks !== null,
    webhookQueue: store,
    onWebhookEnqueued: () => webhooks?.worker.wake(),
    metrics,
  });
  server.on('request', app);
  return {
    url,
    apiKey,
    certificate: tls.cert,
    simulator,
    upstream,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await webhooks?.close(2000);
      await client.close();
      await upstream.close();
      await store.close();
    },
  };
}
