// A real HTTP webhook receiver for tests: scripted answers, recorded requests, and waiting on them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** What the sink answered. */
  status: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Holds the answer until this promise resolves (a slow receiver). */
  holdUntil?: Promise<void>;
}

export interface WebhookSink {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Requests that arrived, answered or not. */
  arrived(): number;
  /** Held requests whose connection is still open. */
  heldOpen(): number;
  /** Answers for the next requests, in order; afterwards every request gets 200. */
  script(...answers: ScriptedAnswer[]): void;
  /** Resolves once `count` requests were received (and answered, unless held), or rejects after the deadline. */
  waitFor(count: number, deadlineMs?: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebhookSink(port = 0): Promise<WebhookSink> {
  const received: ReceivedWebhook[] = [];
  const answers: ScriptedAnswer[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const notify = () => {
    for (const w of [...waiters])
      if (received.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  let arrivals = 0;
  let heldOpen = 0;
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    arrivals++;
    const body = await readBody(req);
    const answer = answers.shift() ?? { status: 200 };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    if (answer.holdUntil) {
      heldOpen++;
      req.socket.once('close', () => heldOpen--);
      await answer.holdUntil;
    }
    // A sender that died while we held its request never got this answer: it was not delivered.
    if (req.socket.destroyed) return;
    received.push({ headers, body, status: answer.status });
    res.writeHead(answer.status, answer.headers ?? {});
    res.end();
    notify();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}/hooks`,
    port: actualPort,
    received,
    arrived: () => arrivals,
    heldOpen: () => heldOpen,
    script: (...more) => answers.push(...more),
    waitFor(count, deadlineMs = 10000) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`sink got ${received.length} of ${count} webhooks within ${deadlineMs} ms`),
            ),
          deadlineMs,
        );
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it is true, or fails after the deadline. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  deadlineMs = 10000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} not reached within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
