// Builds the service's parts from the config: store, upstream client, and the sandbox stand-ins.
import type { Config } from './config';
import { randomToken, cryptoRandom } from './lib/ids';
import { systemClock } from './lib/clock';
import type { Logger } from './lib/logger';
import { generateSandboxCertificate, type TlsMaterial } from './sandbox/certificate';
import { createSimulator, type RunningSimulator } from './simulator';
import { MemoryStore } from './store/memory-store';
import { connectRedis } from './store/redis-connection';
import { RedisStore } from './store/redis-store';
import type { Store } from './store/store';
import { createSupermetricsClient } from './supermetrics/client';
import type { SupermetricsClient } from './supermetrics/types';
import { readFile } from 'node:fs/promises';

export interface Runtime {
  store: Store;
  client: SupermetricsClient;
  apiKeys: string[];
  /** Set when no API_KEYS were configured (sandbox): printed once in the banner. */
  generatedApiKey: string | null;
  /** TLS key and certificate to serve, or null behind a TLS-terminating proxy. */
  tls: TlsMaterial | null;
  simulator: RunningSimulator | null;
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

  let store: Store;
  if (config.redis) {
    const redis = connectRedis(config.redis);
    store = new RedisStore(redis, { ownsConnection: true });
  } else {
    logger.warn(MemoryStore.WARNING);
    store = new MemoryStore({ clock: systemClock });
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
  const client = createSupermetricsClient({ baseUrl: upstream.apiUrl, apiKey: upstream.apiKey });
  closers.push(() => client.close());

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
    close: async () => {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}
