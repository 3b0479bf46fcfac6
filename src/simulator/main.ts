// Entry of `npm run simulator`: serves the upstream stand-in on SIMULATOR_PORT until signalled.
import { ConfigError } from '../config/config-error';
import { loadSimulatorConfig } from './config';
import { createSimulator } from './index';

async function main(): Promise<void> {
  let config;
  try {
    config = loadSimulatorConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const { apiKey, port } = config;
  const simulator = createSimulator({ apiKey });
  const running = await simulator.listen(port, config.host);
  console.log(
    `Supermetrics simulator listening on ${running.url} (API ${running.apiUrl}, API key "${apiKey}")`,
  );
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
