// The upstream stand-in in its own process, so it does not share the service's CPU accounting.
import { createSimulator } from '../src/simulator';
import { announceReady, failStart, serveParent } from './child-ipc';

export interface SimulatorInfo {
  url: string;
  apiUrl: string;
  apiKey: string;
}

async function start(): Promise<void> {
  const apiKey = process.env.BENCH_UPSTREAM_KEY ?? 'bench';
  const simulator = createSimulator({ apiKey, linkLimit: 1e9, hourlyBudget: 1e9 });
  const running = await simulator.listen(0, '127.0.0.1');
  // The request log keeps every request (headers included) for tests; a bench would only grow it.
  const trim = setInterval(() => (simulator.requests.length = 0), 1000);
  serveParent({}, async () => {
    clearInterval(trim);
    await running.close();
  });
  announceReady({ url: running.url, apiUrl: running.apiUrl, apiKey } satisfies SimulatorInfo);
}

start().catch(failStart);
