// What every bench phase shares: the processes, the clients, Redis, the sink and the options.
import type Redis from 'ioredis';
import type { Storage } from '../src/store/store';
import type { BenchChild } from './children';
import type { BenchClients } from './onboardings';
import type { BenchOptions } from './options';
import type { ServiceInfo } from './service-child';
import type { SimulatorInfo } from './simulator-child';
import type { BenchSink } from './webhook-sink';

export interface BenchContext {
  options: BenchOptions;
  service: BenchChild<ServiceInfo>;
  baseline: BenchChild<{ url: string }>;
  simulator: BenchChild<SimulatorInfo>;
  clients: BenchClients;
  redis: Redis;
  /** The bench's own storage on the service's key prefix (to enqueue the backlog). */
  storage: Storage;
  prefix: string;
  sink: BenchSink;
  resultsDir: string;
  timestamp: string;
}

/** Progress lines go to stderr, so stdout holds only the results. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** CPU µs (user + system) the child used between two usage readings. */
export function cpuUsBetween(
  before: { userUs: number; systemUs: number },
  after: { userUs: number; systemUs: number },
): number {
  return after.userUs + after.systemUs - (before.userUs + before.systemUs);
}
