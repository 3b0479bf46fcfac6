// deliverWebhook against real local HTTP servers: how each answer is classified, and what is sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Agent } from 'undici';
import { deliverWebhook, type DeliveryTarget } from '../../src/webhooks/deliver';
import { createSigner } from '../../src/webhooks/signer';
import type { QueuedWebhook } from '../../src/store/store';
import { freePort } from '../helpers/redis-server';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const BODY = JSON.stringify({
  type: 'login.completed',
  timestamp: '2025-01-02T03:04:05.000Z',
  data: { onboarding_id: 'onb_deliver', login_id: 'login-1', metadata: { crm: 'ü ✓' } },
});

function queued(overrides: Partial<QueuedWebhook> = {}): QueuedWebhook {
  return {
    webhook_id: 'msg_deliver_test_0001',
    onboarding_id: 'onb_deliver',
    body: BODY,
    attempts: 0,
    enqueued_at: Date.now(),
    last_error: null,
    ...overrides,
  };
}

describe('deliverWebhook', () => {
  let dispatcher: Agent;
  let sink: WebhookSink;
  const sign = createSigner([SECRET]);
  const target = (url: string, timeoutMs = 2000): DeliveryTarget => ({
    url,
    sign,
    dispatcher,
    timeoutMs,
  });

  beforeAll(() => {
    dispatcher = new Agent();
  });
  afterAll(async () => {
    await dispatcher.close();
  });
  beforeEach(async () => {
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    await sink.close();
  });

  it.each([200, 201, 202, 204, 299])('treats HTTP %i as delivered', async (status) => {
    sink.script({ status });
    const outcome = await deliverWebhook(target(sink.url), queued(), Date.now());
    expect(outcome).toEqual({ result: 'delivered', status });
    expect(sink.received).toHaveLength(1);
  });

  it.each([408, 500, 502, 503, 504])(
    'retries HTTP %i with no Retry-After as retryAfterSeconds null',
    async (status) => {
      sink.script({ status });
      const outcome = await deliverWebhook(target(sink.url), queued(), Date.now());
      expect(outcome).toEqual({
        result: 'retry',
        error: `HTTP ${status}`,
        status,
        retryAfterSeconds: null,
      });
    },
  );

  it.each([
    [429, '7', 7],
    [429, '0', 0],
    [503, '120', 120],
    [429, 'soon', null],
  ])(
    'retries HTTP %i with Retry-After "%s" as retryAfterSeconds %p',
    async (status, value, want) => {
      sink.script({ status, headers: { 'Retry-After': value } });
      const outcome = await deliverWebhook(target(sink.url), queued(), Date.now());
      expect(outcome).toEqual({
        result: 'retry',
        error: `HTTP ${status}`,
        status,
        retryAfterSeconds: want,
      });
    },
  );

  it('retries a 429 whose Retry-After is an HTTP date, waiting about until that date', async () => {
    const at = new Date(Date.now() + 90_000);
    sink.script({ status: 429, headers: { 'Retry-After': at.toUTCString() } });
    const outcome = await deliverWebhook(target(sink.url), queued(), Date.now());
    expect(outcome).toMatchObject({ result: 'retry', error: 'HTTP 429' });
    const seconds = (outcome as { retryAfterSeconds: number | null }).retryAfterSeconds;
    // The HTTP date drops the milliseconds, and the request takes a moment: allow a little slack.
    expect(seconds).not.toBeNull();
    expect(seconds!).toBeGreaterThanOrEqual(87);
    expect(seconds!).toBeLessThanOrEqual(91);
  });

  it('retries a 429 whose Retry-After date is already past with retryAfterSeconds 0, not a negative delay', async () => {
    sink.script({
      status: 429,
      headers: { 'Retry-After': new Date(Date.now() - 60_000).toUTCString() },
    });
    const outcome = await deliverWebhook(target(sink.url), queued(), Date.now());
    expect(outcome).toEqual({
      result: 'retry',
      error: 'HTTP 429',
      status: 429,
      retryAfterSeconds: 0,
    });
  });

  it.each([400, 401, 403, 404, 405, 410, 413, 422, 499])(
    'treats HTTP %i as refused for good',
    async (status) => {
      sink.script({ status });
      const outcome = await deliverWebhook(target(sink.url), queued(), Date.now());
      expect(outcome).toEqual({ result: 'refused', error: `HTTP ${status}`, status });
      expect(sink.received).toHaveLength(1);
    },
  );

  describe('redirects', () => {
    let redirector: Server;
    let redirectorUrl: string;
    let redirectStatus = 301;
    beforeEach(async () => {
      redirector = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(redirectStatus, { Location: sink.url });
          res.end();
        });
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hooks`;
    });
    afterEach(async () => {
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    });

    it.each([301, 302, 303, 307, 308])(
      'retries HTTP %i and does not follow the Location',
      async (status) => {
        redirectStatus = status;
        const outcome = await deliverWebhook(target(redirectorUrl), queued(), Date.now());
        expect(outcome).toEqual({
          result: 'retry',
          error: `HTTP ${status}`,
          status,
          retryAfterSeconds: null,
        });
        expect(sink.arrived()).toBe(0);
      },
    );
  });

  it("retries with error 'timeout' when the receiver does not answer within timeoutMs", async () => {
    let release!: () => void;
    sink.script({ status: 200, holdUntil: new Promise<void>((r) => (release = r)) });
    const started = Date.now();
    try {
      const outcome = await deliverWebhook(target(sink.url, 250), queued(), Date.now());
      expect(outcome).toEqual({
        result: 'retry',
        error: 'timeout',
        status: null,
        retryAfterSeconds: null,
      });
      expect(sink.arrived()).toBe(1);
      // Gave up at about the timeout, not at some longer default.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      release();
    }
    // The sender hung up: the held answer never counted as received.
    expect(sink.received).toHaveLength(0);
  });

  it('retries with a network error when the connection is refused', async () => {
    const closedPort = await freePort();
    const outcome = await deliverWebhook(
      target(`http://127.0.0.1:${closedPort}/hooks`),
      queued(),
      Date.now(),
    );
    expect(outcome).toMatchObject({ result: 'retry', retryAfterSeconds: null });
    const error = (outcome as { error: string }).error;
    expect(error).toMatch(/^network error /);
    expect(error).toContain('ECONNREFUSED');
  });

  it('retries with a network error when the receiver drops the connection without answering', async () => {
    const dropper = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(dropper.address() as AddressInfo).port}/hooks`;
      const outcome = await deliverWebhook(target(url), queued(), Date.now());
      expect(outcome).toMatchObject({ result: 'retry', retryAfterSeconds: null });
      expect((outcome as { error: string }).error).toMatch(/^network error \S+/);
    } finally {
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }
  });

  it('POSTs the exact JSON body with Standard Webhooks headers that the standardwebhooks library verifies', async () => {
    const nowMs = Date.now();
    const webhook = queued({ webhook_id: 'msg_2abc_headers' });
    const outcome = await deliverWebhook(target(sink.url), webhook, nowMs);
    expect(outcome).toEqual({ result: 'delivered', status: 200 });

    expect(sink.received).toHaveLength(1);
    const got = sink.received[0]!;
    expect(got.body).toBe(BODY);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(got.headers['user-agent']).toBe('login-link-receiver');
    expect(got.headers['webhook-id']).toBe('msg_2abc_headers');
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(nowMs / 1000)));
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);

    expect(new Webhook(SECRET).verify(got.body, got.headers)).toEqual(JSON.parse(BODY));
    // Another secret does not verify it.
    const other = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
    expect(() => new Webhook(other).verify(got.body, got.headers)).toThrow();
  });

  it('signs each attempt with its own timestamp but keeps the webhook-id', async () => {
    const first = Date.now();
    const second = first + 30_000;
    await deliverWebhook(target(sink.url), queued(), first);
    await deliverWebhook(target(sink.url), queued({ attempts: 1 }), second);
    expect(sink.received).toHaveLength(2);
    const [a, b] = sink.received as [(typeof sink.received)[0], (typeof sink.received)[0]];
    expect(a.headers['webhook-id']).toBe(b.headers['webhook-id']);
    expect(Number(b.headers['webhook-timestamp']) - Number(a.headers['webhook-timestamp'])).toBe(
      Math.floor(second / 1000) - Math.floor(first / 1000),
    );
    expect(a.headers['webhook-signature']).not.toBe(b.headers['webhook-signature']);
  });

  it('sends a custom user agent when given one', async () => {
    await deliverWebhook({ ...target(sink.url), userAgent: 'acme-hooks/2' }, queued(), Date.now());
    expect(sink.received[0]?.headers['user-agent']).toBe('acme-hooks/2');
  });
});
