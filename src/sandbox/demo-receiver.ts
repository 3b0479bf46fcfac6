// The demo's webhook receiver: verifies each delivery with the Standard Webhooks library, as an integrator would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface VerifiedDelivery {
  webhookId: string;
  payload: { type: string; data: Record<string, unknown> };
}

export interface DemoReceiver {
  url: string;
  secret: string;
  /** Resolves with the first verified delivery, or rejects after the deadline. */
  next(deadlineMs: number): Promise<VerifiedDelivery>;
  close(): Promise<void>;
}

export async function startDemoReceiver(secret: string): Promise<DemoReceiver> {
  const verifier = new Webhook(secret);
  const deliveries: VerifiedDelivery[] = [];
  let notify: (() => void) | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      try {
        const payload = verifier.verify(
          Buffer.concat(chunks).toString('utf8'),
          headers,
        ) as VerifiedDelivery['payload'];
        deliveries.push({ webhookId: headers['webhook-id']!, payload });
        res.writeHead(204).end();
        notify?.();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    secret,
    next(deadlineMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no verified webhook within ${deadlineMs} ms`)),
          deadlineMs,
        );
        const check = () => {
          const delivery = deliveries.shift();
          if (!delivery) return;
          clearTimeout(timer);
          notify = null;
          resolve(delivery);
        };
        notify = check;
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
