// Test harness: a real simulator on port 0 and a client whose sleep records delays instead of waiting.
import { createSimulator, type RunningSimulator, type Simulator } from '../../src/simulator';
import {
  createSupermetricsClient,
  type SupermetricsClientOptions,
} from '../../src/supermetrics/client';
import type { ExchangeInfo, SupermetricsClient } from '../../src/supermetrics/types';

export const API_KEY = 'sm_test_key_0123456789';

export interface Harness {
  simulator: Simulator;
  running: RunningSimulator;
  client: SupermetricsClient;
  /** Every delay the client asked to sleep, in order. */
  delays: number[];
  /** Every onExchange report, in order. */
  exchanges: ExchangeInfo[];
  /** Requests the simulator received for one endpoint. */
  received(endpoint: string): number;
  /** A second client against the same simulator with other options. */
  clientWith(options: Partial<SupermetricsClientOptions>): SupermetricsClient;
  close(): Promise<void>;
}

export async function startHarness(
  clientOptions: Partial<SupermetricsClientOptions> = {},
  simulatorOptions: Parameters<typeof createSimulator>[0] = {},
): Promise<Harness> {
  const simulator = createSimulator({ apiKey: API_KEY, ...simulatorOptions });
  const running = await simulator.listen(0);
  const delays: number[] = [];
  const exchanges: ExchangeInfo[] = [];
  const clients: SupermetricsClient[] = [];
  const clientWith = (options: Partial<SupermetricsClientOptions>): SupermetricsClient => {
    const client = createSupermetricsClient({
      baseUrl: running.apiUrl,
      apiKey: API_KEY,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
      onExchange: (info) => exchanges.push(info),
      ...options,
    });
    clients.push(client);
    return client;
  };
  return {
    simulator,
    running,
    client: clientWith(clientOptions),
    delays,
    exchanges,
    received: (endpoint) => simulator.requests.filter((r) => r.endpoint === endpoint).length,
    clientWith,
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await running.close();
    },
  };
}

/** The rejection of a promise, failing the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

export const CREATE_INPUT = {
  ds_id: 'GA',
  expiry_time: '24 hours',
  description: 'Onboarding acme',
  redirect_url: 'https://receiver.example.com/callback?onb=onb_1',
};
