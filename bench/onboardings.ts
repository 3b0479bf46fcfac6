// Pre-creates onboardings through the service's API and authenticates each link on the simulator.
import { Pool } from 'undici';
import type { ServiceInfo } from './service-child';
import type { SimulatorInfo } from './simulator-child';
import { forEachLimit } from './stats';

export interface PreparedOnboarding {
  onboardingId: string;
  /** /callback?state=…&link_id=…&link_verifier=…, as the simulator redirects the browser. */
  callbackPath: string;
}

export interface BenchClients {
  service: Pool;
  simulator: Pool;
  close(): Promise<void>;
}

export function openClients(service: ServiceInfo, simulator: SimulatorInfo): BenchClients {
  const servicePool = new Pool(service.url, {
    connections: 64,
    connect: { rejectUnauthorized: false },
  });
  const simulatorPool = new Pool(simulator.url, { connections: 64 });
  return {
    service: servicePool,
    simulator: simulatorPool,
    close: async () => {
      await servicePool.close();
      await simulatorPool.close();
    },
  };
}

/** The integrator page the browser is sent back to (an origin allowed in the service child). */
export const RETURN_URL = 'https://app.bench.test/done';

export function createBody(tag: string): string {
  // With a return_url, as integrators run it: the callback answers 303 (like the baseline's 302).
  return JSON.stringify({ ds_id: 'GA', description: `bench ${tag}`, return_url: RETURN_URL });
}

async function createOnboarding(clients: BenchClients, apiKey: string, tag: string) {
  const res = await clients.service.request({
    method: 'POST',
    path: '/v1/onboardings',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: createBody(tag),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201)
    throw new Error(`POST /v1/onboardings answered ${res.statusCode}: ${text}`);
  return (JSON.parse(text) as { data: { onboarding_id: string; link_id: string } }).data;
}

async function authenticate(clients: BenchClients, simulator: SimulatorInfo, linkId: string) {
  const res = await clients.simulator.request({
    method: 'POST',
    path: `/_simulator/links/${encodeURIComponent(linkId)}/authenticate`,
    headers: { authorization: `Bearer ${simulator.apiKey}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`simulator authenticate answered ${res.statusCode}: ${text}`);
  const redirect = new URL((JSON.parse(text) as { redirect_url: string }).redirect_url);
  return `${redirect.pathname}${redirect.search}`;
}

/** Creates `count` onboardings (at most `concurrency` at a time) and authenticates each link. */
export async function prepareOnboardings(
  clients: BenchClients,
  service: ServiceInfo,
  simulator: SimulatorInfo,
  count: number,
  concurrency: number,
  tag: string,
): Promise<{ onboardings: PreparedOnboarding[]; createSeconds: number }> {
  const created: { onboarding_id: string; link_id: string }[] = new Array(count);
  const started = performance.now();
  await forEachLimit(count, concurrency, async (i) => {
    created[i] = await createOnboarding(clients, service.apiKey, `${tag} ${i}`);
  });
  const createSeconds = (performance.now() - started) / 1000;
  const onboardings: PreparedOnboarding[] = new Array(count);
  await forEachLimit(count, concurrency, async (i) => {
    const { onboarding_id, link_id } = created[i]!;
    onboardings[i] = {
      onboardingId: onboarding_id,
      callbackPath: await authenticate(clients, simulator, link_id),
    };
  });
  return { onboardings, createSeconds };
}
