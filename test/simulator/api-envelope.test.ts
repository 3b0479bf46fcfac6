// The API's common contract: bearer auth, the envelopes, request ids and response headers.
import { bodyOf, startSimulator, type SimulatorFixture } from './simulator-fixture';

describe('simulator API envelope and auth', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator();
  });
  afterEach(() => fx.running.close());

  it.each([
    ['no Authorization header', {}],
    ['a wrong key', { authorization: 'Bearer not-the-key' }],
    ['a non-bearer scheme', { authorization: 'Basic c2FuZGJveDo=' }],
  ])('answers 401 UNAUTHORIZED in the envelope with %s', async (_name, headers) => {
    const res = await fetch(`${fx.running.apiUrl}/ds/login/links`, { headers });
    expect(res.status).toBe(401);
    const body = await bodyOf(res);
    expect(body).toEqual({
      meta: { request_id: expect.stringMatching(/^[A-Za-z0-9_-]{1,50}$/) },
      error: { code: 'UNAUTHORIZED', message: 'Authentication is required.' },
    });
    expect(res.headers.get('x-ratelimit-limit')).toBe('10000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('10000');
  });

  it('accepts the configured key and no other', async () => {
    const custom = await startSimulator({ apiKey: 'k3y' });
    try {
      expect(
        (await custom.api('GET', '/ds/login/links', undefined, { authorization: 'Bearer k3y' }))
          .status,
      ).toBe(200);
      expect((await custom.api('GET', '/ds/login/links')).status).toBe(401);
    } finally {
      await custom.running.close();
    }
  });

  it('wraps data in meta.request_id with exact JSON and CORS headers', async () => {
    const res = await fx.api('GET', '/ds/login/links');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await bodyOf(res);
    expect(body).toEqual({
      meta: { request_id: expect.stringMatching(/^[A-Za-z0-9_-]{1,50}$/) },
      data: [],
    });
  });

  it('gives every answer its own request id', async () => {
    const a = await bodyOf(await fx.api('GET', '/ds/login/links'));
    const b = await bodyOf(await fx.api('GET', '/ds/login/links'));
    expect(a.meta.request_id).not.toBe(b.meta.request_id);
  });

  it('answers malformed JSON with a 400 envelope', async () => {
    const res = await fx.api('POST', '/ds/login/link', '{"ds_id":');
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.code).toBe('BAD_REQUEST');
  });

  it('answers an unknown API route with a 404 envelope, not the link body', async () => {
    const res = await fx.api('DELETE', '/ds/login/link/dsll_1');
    expect(res.status).toBe(404);
    const body = await bodyOf(res);
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.meta.request_id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
