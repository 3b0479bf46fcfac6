// The request log line of a browser-facing request (/callback, /start/…) names the client's address: the
// one the trusted proxy saw behind TRUST_PROXY, the socket's otherwise; never the query string.
import supertest from 'supertest';
import { startHarness, type Harness } from '../helpers/service-harness';
import { eventually } from '../helpers/webhook-sink';

type Line = Record<string, unknown>;

/** The request line of the answer with this X-Request-Id, and its raw JSON text. */
async function requestLineOf(h: Harness, res: supertest.Response): Promise<[Line, string]> {
  const id = res.headers['x-request-id'] as string;
  const find = () =>
    h.log.lines.findIndex(
      (l) => l.request_id === id && (l.msg === 'request completed' || l.msg === 'request failed'),
    );
  await eventually(() => find() !== -1, 5000, 'the request line');
  return [h.log.lines[find()]!, h.log.text().split('\n')[find()]!];
}

describe('request log: the client address', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('behind TRUST_PROXY, carries the address the trusted proxy saw on /callback and /start lines', async () => {
    h = await startHarness({ store: 'memory', env: { TRUST_PROXY: '1' } });
    const onboarding = await h.createOnboarding({ ds_id: 'GA', create_link: 'now' });
    const callbackPath = h.authenticate(onboarding.link_id);
    const startPath = new URL(String(onboarding.start_url)).pathname;
    const viaProxy = (test: supertest.Test, chain: string) =>
      test.set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', chain);

    const callback = await viaProxy(
      supertest(h.app).get(callbackPath),
      '198.51.100.66, 203.0.113.7',
    );
    const start = await viaProxy(supertest(h.app).get(startPath), '203.0.113.8');

    expect(callback.status).toBe(200);
    expect(start.status).toBe(200);
    const [callbackLine, callbackRaw] = await requestLineOf(h, callback);
    const [startLine, startRaw] = await requestLineOf(h, start);
    // The proxy appends the address it saw: the one before it is whatever the client claimed.
    expect(callbackLine).toMatchObject({
      req: { method: 'GET', path: '/callback' },
      client_address: '203.0.113.7',
    });
    expect(startLine).toMatchObject({
      req: { method: 'GET', path: '/start/{token}' },
      client_address: '203.0.113.8',
    });
    expect(callbackRaw).not.toContain('?');
    expect(callbackRaw).not.toContain('link_verifier');
    expect(callbackRaw).not.toContain('198.51.100.66');
    expect(startRaw).not.toContain(startPath);
  });

  it('without TRUST_PROXY, ignores X-Forwarded-For and carries the connection address', async () => {
    h = await startHarness({ store: 'memory' });
    const onboarding = await h.createOnboarding();
    const res = await supertest(h.app)
      .get(h.authenticate(onboarding.link_id))
      .set('X-Forwarded-For', '203.0.113.7');

    expect(res.status).toBe(200);
    const [line, raw] = await requestLineOf(h, res);
    expect(line.client_address).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect(raw).not.toContain('203.0.113.7');
    expect(raw).not.toContain('?');
  });
});
