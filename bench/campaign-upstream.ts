// The campaign's upstream: the simulator on the shared simulated clock, served over node:http with a tap
// that reads every link-creation answer, so the bench knows each link (its id, login_url, expiry) the
// moment it exists without asking the API, which would spend the hourly budget it measures.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../src/lib/clock';
import type { RandomSource } from '../src/lib/ids';
import { createSimulator, type Simulator } from '../src/simulator';
import { API_PREFIX, describeRequest } from '../src/simulator/classify-request';

export interface CreatedLink {
  linkId: string;
  loginUrl: string;
  createdMs: number;
  expiryMs: number;
}

export interface CampaignUpstream {
  sim: Simulator;
  apiUrl: string;
  apiKey: string;
  /** The link a login_url opens, for links created since start; null for any other URL. */
  linkIdForLoginUrl(loginUrl: string): string | null;
  /** Upstream creations answered 403 LINK_LIMIT_EXCEEDED. */
  refusedCreations(): number;
  /** Every API request (list, get, create, update, close), whatever its answer. */
  apiRequests(): number;
  /** Requests received and not yet answered (work the receiver may still be doing). */
  inFlight(): number;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  clock: Clock;
  random: RandomSource;
  linkLimit: number;
  hourlyBudget: number;
  /** Told of each link as its creation is answered (the clock has not moved since). */
  onCreated(link: CreatedLink): void;
}

const API_ENDPOINTS = ['list', 'get', 'create', 'update', 'close'] as const;

/** Collects what the handler writes, and calls back with the status and body once the answer is sent. */
function tapAnswer(res: ServerResponse, onSent: (status: number, body: string) => void): void {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (typeof chunk === 'string')
      chunks.push(
        Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
      );
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') keep(chunk, rest[0]);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
  res.once('finish', () => onSent(res.statusCode, Buffer.concat(chunks).toString('utf8')));
}

export async function startCampaignUpstream(options: UpstreamOptions): Promise<CampaignUpstream> {
  const apiKey = 'campaign';
  const sim = createSimulator({
    apiKey,
    clock: options.clock,
    random: options.random,
    linkLimit: options.linkLimit,
    hourlyBudget: options.hourlyBudget,
    // The customer's login page is simulated in-process (startAttempt), never fetched.
    publicUrl: 'https://login.simulator.test',
  });
  const linkIds = new Map<string, string>();
  let refused = 0;
  let inFlight = 0;

  function readCreation(status: number, body: string): void {
    if (status === 403 && body.includes('LINK_LIMIT_EXCEEDED')) refused += 1;
    if (status !== 201) return;
    const link = (
      JSON.parse(body) as { data: { link_id: string; login_url: string; expiry_time: string } }
    ).data;
    linkIds.set(link.login_url, link.link_id);
    options.onCreated({
      linkId: link.link_id,
      loginUrl: link.login_url,
      createdMs: options.clock.now(),
      expiryMs: Date.parse(link.expiry_time),
    });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://upstream').pathname;
    if (describeRequest(req.method ?? 'GET', path).endpoint === 'create')
      tapAnswer(res, readCreation);
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
    sim.app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    sim,
    apiUrl: `http://127.0.0.1:${port}${API_PREFIX}`,
    apiKey,
    linkIdForLoginUrl: (loginUrl) => linkIds.get(loginUrl) ?? null,
    refusedCreations: () => refused,
    inFlight: () => inFlight,
    apiRequests: () => {
      const counts = sim.requestCounts();
      return API_ENDPOINTS.reduce((sum, endpoint) => sum + counts[endpoint], 0);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
