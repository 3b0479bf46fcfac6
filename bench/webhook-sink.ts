// The webhook receiver for the bench: answers 204 at once and notes when each onboarding's event arrived.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  /** Wall-clock ms (sub-ms precision) when the body was fully read. */
  atMs: number;
  /** The event's own `timestamp` (the service's clock when it completed the onboarding). */
  eventMs: number;
}

export interface BenchSink {
  url: string;
  /** Arrivals by onboarding_id since the last reset (the first one of each). */
  arrivals: Map<string, Arrival>;
  /** Deliveries since the last reset, duplicates included. */
  received(): number;
  reset(): void;
  /** Resolves when `count` deliveries arrived since the last reset; rejects after the deadline. */
  waitFor(count: number, deadlineMs: number): Promise<void>;
  close(): Promise<void>;
}

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export async function startSink(): Promise<BenchSink> {
  const arrivals = new Map<string, Arrival>();
  let received = 0;
  let waiter: { count: number; resolve: () => void } | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const atMs = nowMs();
      res.writeHead(204).end();
      received++;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          timestamp: string;
          data: { onboarding_id: string };
        };
        if (!arrivals.has(body.data.onboarding_id))
          arrivals.set(body.data.onboarding_id, { atMs, eventMs: Date.parse(body.timestamp) });
      } catch {
        // Counted, not matched: the correctness check reports the shortfall.
      }
      if (waiter && received >= waiter.count) waiter.resolve();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    arrivals,
    received: () => received,
    reset() {
      arrivals.clear();
      received = 0;
    },
    waitFor(count, deadlineMs) {
      if (received >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = null;
          reject(new Error(`webhook sink got ${received} of ${count} within ${deadlineMs} ms`));
        }, deadlineMs);
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiter = null;
            resolve();
          },
        };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
