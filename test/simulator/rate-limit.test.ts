// The hourly request budget: headers on every API answer, 429 with Retry-After, window reset.
import { bodyOf, startSimulator, type SimulatorFixture } from './simulator-fixture';

describe('simulator rate limit', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator({ hourlyBudget: 3 });
  });
  afterEach(() => fx.running.close());

  const remainingAfter = async (method: string, path: string, body?: unknown) => {
    const res = await fx.api(method, path, body);
    expect(res.headers.get('x-ratelimit-limit')).toBe('3');
    return { status: res.status, remaining: res.headers.get('x-ratelimit-remaining') };
  };

  it('counts down X-RateLimit-Remaining on successes and errors alike', async () => {
    expect(await remainingAfter('GET', '/ds/login/links')).toEqual({ status: 200, remaining: '2' });
    expect(await remainingAfter('GET', '/ds/login/link/dsll_nope')).toEqual({
      status: 404,
      remaining: '1',
    });
    expect(await remainingAfter('POST', '/ds/login/link', {})).toEqual({
      status: 422,
      remaining: '0',
    });
  });

  it('answers 429 TOO_MANY_REQUESTS with Retry-After until the hour from the first request ends', async () => {
    await fx.api('GET', '/ds/login/links');
    fx.clock.advance(10 * 60 * 1000);
    await fx.api('GET', '/ds/login/links');
    await fx.api('GET', '/ds/login/links');
    fx.clock.advance(20 * 60 * 1000 + 500);

    const res = await fx.api('GET', '/ds/login/links');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1800');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await bodyOf(res)).toEqual({
      meta: { request_id: expect.stringMatching(/^[A-Za-z0-9_-]+$/) },
      error: { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded. Retry later.' },
    });

    fx.clock.advance(1800 * 1000 - 600);
    const last = await fx.api('GET', '/ds/login/links');
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toBe('1');
  });

  it('starts a fresh window once the hour has passed', async () => {
    for (let i = 0; i < 3; i += 1) await fx.api('GET', '/ds/login/links');
    expect((await fx.api('GET', '/ds/login/links')).status).toBe(429);
    fx.clock.advance(60 * 60 * 1000);
    const res = await fx.api('GET', '/ds/login/links');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('does not spend budget on unauthenticated requests, but reports it', async () => {
    await fx.api('GET', '/ds/login/links');
    const res = await fx.api('GET', '/ds/login/links', undefined, {
      authorization: 'Bearer wrong',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('2');
    expect((await fx.api('GET', '/ds/login/links')).headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('defaults to 10000 an hour', async () => {
    const plain = await startSimulator();
    try {
      const res = await plain.api('GET', '/ds/login/links');
      expect(res.headers.get('x-ratelimit-limit')).toBe('10000');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('9999');
    } finally {
      await plain.running.close();
    }
  });
});
