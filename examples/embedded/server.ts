// `npm run example:embedded`: the example integrator app on http://localhost:3000 (EXAMPLE_PORT) against
// a sandbox receiver that allows that origin.
import { createLogger } from '../../src/lib/logger';
import { startSandboxService } from '../../src/sandbox/sandbox-service';
import { startExampleApp } from './app';

const PORT = Number(process.env.EXAMPLE_PORT ?? 3000);

async function main(): Promise<void> {
  const receiver = await startSandboxService({
    logger: createLogger({ level: 'warn' }),
    // The receiver posts results to, and answers status polls from, this origin only.
    returnUrlOrigins: [`http://localhost:${PORT}`],
  });
  const app = await startExampleApp(receiver, PORT);
  process.stdout.write(
    `Example app: ${app.origin} (receiver ${receiver.url}, simulator ${receiver.upstream.url})\n` +
      `Trust the receiver's self-signed certificate once (open ${receiver.url}/healthz), then open the app and press Connect.\n`,
  );
  const stop = () =>
    void app
      .close()
      .then(() => receiver.close())
      .then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`example failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
