// Process entry: loadConfig → buildService → listen; the sandbox banner; signals and shutdown.
import { buildService, type Service } from './composition-root';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './lib/logger';
import { startServer } from './http/server';
import { readTlsFiles } from './http/tls';

/** SIGTERM: HTTP gets this long to drain, the rest of the 10 s goes to closing the service. */
const DRAIN_DEADLINE_MS = 7000;
const EXIT_DEADLINE_MS = 10000;

function sandboxBanner(config: Readonly<Config>, service: Service): string {
  const pieces = [
    config.sandbox.simulator &&
      `Supermetrics simulator at ${service.simulator?.running.url} (key "${config.simulator.apiKey}")`,
    config.sandbox.memoryStore && 'in-memory store (set REDIS_URL to keep onboardings)',
    config.sandbox.selfSignedTls && 'a generated self-signed certificate',
    config.sandbox.generatedApiKey && 'a generated API key',
  ].filter(Boolean);
  if (pieces.length === 0) return '';
  const lines = [
    '',
    '  login-link-receiver is running in SANDBOX mode. Not for production: set NODE_ENV=production.',
    ...pieces.map((p) => `    - ${p}`),
  ];
  if (service.generatedApiKey) {
    lines.push(
      '',
      `  API key: ${service.generatedApiKey}`,
      '',
      '  Create an onboarding:',
      `    curl -sk -X POST ${config.publicUrl}/v1/onboardings \\`,
      `      -H 'Authorization: Bearer ${service.generatedApiKey}' -H 'Content-Type: application/json' \\`,
      `      -d '{"ds_id":"GA","description":"My first onboarding"}'`,
      '  then open its login_url in a browser.',
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  // Signal handlers go in before any work starts (buildService opens connections and may start the embedded simulator): a
  // SIGTERM during start-up is kept and carried out once the server is up, never Node's abrupt exit.
  // The exit deadline runs from the first signal, so a start-up that never ends cannot outlive it.
  let requested: string | null = null;
  let shutdown: ((signal: string) => void) | null = null;
  const onStopSignal = (signal: string) => {
    if (requested) return;
    requested = signal;
    setTimeout(() => process.exit(1), EXIT_DEADLINE_MS).unref();
    shutdown?.(signal);
  };
  process.on('SIGTERM', () => onStopSignal('SIGTERM'));
  process.on('SIGINT', () => onStopSignal('SIGINT'));
  const service = await buildService(config, logger);
  service.start();
  const tlsFiles = config.tls;
  const server = await startServer({
    app: service.app,
    tls: service.tls
      ? { material: service.tls, load: tlsFiles ? () => readTlsFiles(tlsFiles) : undefined }
      : null,
    port: config.port,
    host: config.host,
    logger,
  });
  logger.info(
    { port: config.port, host: config.host, public_url: config.publicUrl, mode: config.mode },
    'listening',
  );
  const banner = sandboxBanner(config, service);
  if (banner) process.stdout.write(banner);

  shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // HTTP drains while the background work stops taking new items, side by side; the store and
    // the upstream client close only when both are done.
    void Promise.all([server.close(DRAIN_DEADLINE_MS), service.stopBackground(DRAIN_DEADLINE_MS)])
      .then(() => service.close())
      .then(() => {
        logger.info('stopped');
        logger.flush(() => process.exit(0));
      });
  };
  if (requested) shutdown(requested);
  // Certificate rotation: new connections get the re-read files, open ones are not dropped.
  process.on('SIGHUP', () => void server.reloadTls());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `login-link-receiver could not start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}
