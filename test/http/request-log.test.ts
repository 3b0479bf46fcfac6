// One log line per request (src/http/request-log.ts): its request id, method, path, status, outcome, latency.
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { API_KEY, startHarness, type Harness } from '../helpers/service-harness';
import { eventually } from '../helpers/webhook-sink';
import { unreachableStorage } from '../helpers/unreachable-storage';

type Line = Record<string, unknown>;

const REQUEST_MESSAGES = new Set(['request completed', 'request failed']);
const UNKNOWN_ID = 'onb_doesNotExist0123456789';

describe('request log', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ store: 'memory' });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Runs one request and returns the per-request log lines it produced (waiting for the first). */
  async function linesOf(
    send: () => Promise<supertest.Response>,
  ): Promise<{ res: supertest.Response; lines: Line[]; raw: string[] }> {
    const from = h.log.lines.length;
    const res = await send();
    const produced = () =>
      h.log.lines
        .slice(from)
        .map((line, i) => ({ line, i: from + i }))
        .filter(({ line }) => REQUEST_MESSAGES.has(String(line.msg)));
    await eventually(() => produced().length > 0, 5000, 'a request log line');
    const rawAll = h.log.text().split('\n');
    const found = produced();
    return { res, lines: found.map((f) => f.line), raw: found.map((f) => rawAll[f.i]!) };
  }

  function expectShape(
    line: Line,
    want: { method: string; path: string; status: number; outcome: string },
  ): void {
    expect(line.req).toEqual({ method: want.method, path: want.path });
    expect(line.res).toEqual({ status: want.status });
    expect(line.outcome).toBe(want.outcome);
    expect(typeof line.latency_ms).toBe('number');
    expect(line.latency_ms as number).toBeGreaterThanOrEqual(0);
    expect(line.msg).toBe(want.status >= 500 ? 'request failed' : 'request completed');
  }

  it('logs a successful callback once, as COMPLETED, with the path but not the query', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const { res, lines } = await linesOf(() => supertest(h.app).get(path));
    expect(res.status).toBe(200);
    expect(lines).toHaveLength(1);
    expectShape(lines[0]!, { method: 'GET', path: '/callback', status: 200, outcome: 'COMPLETED' });
    expect(lines[0]!.onboarding_id).toBe(onboarding.onboarding_id);
    expect(lines[0]!.level).toBe(30);
  });

  it('logs an API 404 once, as NOT_FOUND', async () => {
    const { res, lines } = await linesOf(() => h.api('get', `/v1/onboardings/${UNKNOWN_ID}`));
    expect(res.status).toBe(404);
    expect(lines).toHaveLength(1);
    expectShape(lines[0]!, {
      method: 'GET',
      path: `/v1/onboardings/${UNKNOWN_ID}`,
      status: 404,
      outcome: 'NOT_FOUND',
    });
  });

  it('logs a missing API key as UNAUTHORIZED and a plain success as OK, without the query string', async () => {
    const denied = await linesOf(() => supertest(h.app).get('/v1/onboardings?status=pending'));
    expect(denied.res.status).toBe(401);
    expect(denied.lines).toHaveLength(1);
    expectShape(denied.lines[0]!, {
      method: 'GET',
      path: '/v1/onboardings',
      status: 401,
      outcome: 'UNAUTHORIZED',
    });

    const listed = await linesOf(() => h.api('get', '/v1/onboardings?status=pending&limit=5'));
    expect(listed.res.status).toBe(200);
    expect(listed.lines).toHaveLength(1);
    expectShape(listed.lines[0]!, {
      method: 'GET',
      path: '/v1/onboardings',
      status: 200,
      outcome: 'OK',
    });
  });

  it('carries request_id equal to the X-Request-Id response header', async () => {
    const onboarding = await h.createOnboarding();
    for (const send of [
      () => supertest(h.app).get(h.authenticate(onboarding.link_id)),
      () => h.api('get', `/v1/onboardings/${UNKNOWN_ID}`),
      () => h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`),
    ]) {
      const { res, lines } = await linesOf(send);
      const id = res.headers['x-request-id'] as string;
      expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.request_id).toBe(id);
    }
  });

  it('carries a well-formed incoming X-Request-Id as request_id', async () => {
    const { res, lines } = await linesOf(() =>
      h.api('get', `/v1/onboardings/${UNKNOWN_ID}`).set('X-Request-Id', 'trace-abc_123-XYZ'),
    );
    expect(res.headers['x-request-id']).toBe('trace-abc_123-XYZ');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.request_id).toBe('trace-abc_123-XYZ');
  });

  it('gives concurrent requests one line each, told apart by request_id', async () => {
    const from = h.log.lines.length;
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? h.api('get', `/v1/onboardings/${UNKNOWN_ID}`)
          : h.api('get', '/v1/onboardings?limit=1'),
      ),
    );
    const requestLines = () =>
      h.log.lines.slice(from).filter((l) => REQUEST_MESSAGES.has(String(l.msg)));
    await eventually(() => requestLines().length >= 8, 5000, 'eight request log lines');
    const ids = responses.map((r) => r.headers['x-request-id'] as string);
    expect(new Set(ids).size).toBe(8);
    expect(
      requestLines()
        .map((l) => l.request_id)
        .sort(),
    ).toEqual([...ids].sort());
    for (const [i, res] of responses.entries()) {
      const line = requestLines().find((l) => l.request_id === ids[i]);
      expect(line?.outcome).toBe(res.status === 404 ? 'NOT_FOUND' : 'OK');
    }
  });

  it('writes each field once: no duplicate keys in the JSON line (e.g. outcome)', async () => {
    const onboarding = await h.createOnboarding();
    const callback = await linesOf(() => supertest(h.app).get(h.authenticate(onboarding.link_id)));
    const notFound = await linesOf(() => h.api('get', `/v1/onboardings/${UNKNOWN_ID}`));
    for (const raw of [...callback.raw, ...notFound.raw]) {
      // A log pipeline that keeps the first of two duplicate keys would read outcome "OK" here.
      expect(raw.match(/"outcome":/g) ?? []).toHaveLength(1);
      expect(raw.match(/"request_id":/g) ?? []).toHaveLength(1);
    }
  });

  it('logs an API 503 (store unreachable) as exactly one request failed line', async () => {
    const broken = h.appWithStorage(unreachableStorage(h.storage));
    const { res, lines } = await linesOf(() =>
      supertest(broken)
        .get(`/v1/onboardings/${UNKNOWN_ID}`)
        .set('Authorization', `Bearer ${API_KEY}`),
    );
    expect(res.status).toBe(503);
    expect(lines).toHaveLength(1);
    expectShape(lines[0]!, {
      method: 'GET',
      path: `/v1/onboardings/${UNKNOWN_ID}`,
      status: 503,
      outcome: 'SERVICE_UNAVAILABLE',
    });
    expect(lines[0]!.level).toBe(50);
    expect(lines[0]!.err).toMatchObject({ message: 'Connection is closed.' });
  });

  it('logs a callback whose upstream failed (answered 202, being confirmed) as one line with its code', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    h.sim.faults.inject({
      endpoint: 'get',
      times: 10,
      status: 500,
      body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'x' } },
    });
    const { res, lines } = await linesOf(() => supertest(h.app).get(path));
    expect(res.status).toBe(202);
    expect(lines).toHaveLength(1);
    expectShape(lines[0]!, {
      method: 'GET',
      path: '/callback',
      status: 202,
      outcome: 'UPSTREAM_UNAVAILABLE',
    });
  });

  it("ties the callback's own warning to its request line by request_id", async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    h.sim.faults.inject({ endpoint: 'get', times: 10, status: 500, body: 'oops' });
    const from = h.log.lines.length;
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(202);
    await eventually(
      () => h.log.lines.slice(from).some((l) => l.msg === 'request completed'),
      5000,
      'the request line',
    );
    const lines = h.log.lines.slice(from);
    const warning = lines.find((l) => l.msg === 'callback failed');
    expect(warning).toMatchObject({ level: 40, code: 'UPSTREAM_UNAVAILABLE' });
    expect(warning!.request_id).toBe(res.headers['x-request-id']);
    expect(lines.find((l) => l.msg === 'request completed')!.request_id).toBe(
      res.headers['x-request-id'],
    );
  });

  it('logs a callback whose browser left before the answer as CLIENT_CLOSED, once', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    h.sim.faults.inject({ endpoint: 'get', delayMs: 1000 });
    const server: Server = h.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const from = h.log.lines.length;
      const seen = h.sim.requests.length;
      const req = httpRequest({ port: (server.address() as AddressInfo).port, path });
      req.on('error', () => {});
      req.end();
      // Leave once the service is waiting on the (delayed) upstream read.
      await eventually(
        () => h.sim.requests.slice(seen).some((r) => r.endpoint === 'get'),
        5000,
        'the upstream read',
      );
      req.destroy();
      const requestLines = () =>
        h.log.lines.slice(from).filter((l) => REQUEST_MESSAGES.has(String(l.msg)));
      await eventually(() => requestLines().length > 0, 5000, 'the request line');
      expect(requestLines()).toHaveLength(1);
      expect(requestLines()[0]).toMatchObject({
        msg: 'request completed',
        outcome: 'CLIENT_CLOSED',
        req: { method: 'GET', path: '/callback' },
      });
      // The completion itself still goes through: the customer did sign in.
      await eventually(
        async () =>
          (await h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status ===
          'completed',
        5000,
        'the completion',
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
