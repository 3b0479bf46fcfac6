// Rate limits per client address (callback) and per API key: in Redis and shared, closed without Redis, in memory.
import Redis from 'ioredis';
import supertest from 'supertest';
import { createApp } from '../../src/app';
import {
  createMemoryRateLimiters,
  createRedisRateLimiters,
  type RateLimiters,
} from '../../src/http/rate-limit';
import { sha256Hex } from '../../src/lib/constant-time';
import { API_KEY, startHarness, type Harness } from '../helpers/service-harness';
import { freePort } from '../helpers/redis-server';

const OTHER_KEY = 'other-api-key-9876543210';

async function keysUnder(h: Harness, pattern: string): Promise<string[]> {
  return (await h.redis!.redis.keys(`${h.redis!.prefix}:${pattern}`)).sort();
}

describe('rate limits kept in Redis', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  beforeEach(async () => {
    h = await startHarness({ env: { API_KEYS: `${API_KEY},${OTHER_KEY}` } });
    const limiters = createRedisRateLimiters(
      h.redis!.redis,
      { callbackPerMinute: 3, apiPerMinute: 3 },
      h.redis!.prefix,
    );
    app = createApp({ ...h.deps, rateLimiters: limiters });
  });
  afterEach(async () => {
    await h.close();
  });

  const apiGet = (key: string) =>
    supertest(app).get('/v1/onboardings').set('Authorization', `Bearer ${key}`);

  it('answers the callback with the TOO_MANY_REQUESTS page once an address has used its budget', async () => {
    for (let i = 0; i < 3; i++) expect((await supertest(app).get('/callback')).status).toBe(400);

    const res = await supertest(app).get('/callback');

    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('TOO_MANY_REQUESTS');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(h.log.lines.at(-1)).toMatchObject({
      outcome: 'TOO_MANY_REQUESTS',
      res: { status: 429 },
    });
  });

  it('keeps the callback count in Redis under the app prefix, keyed by client address', async () => {
    await supertest(app).get('/callback');
    const keys = await keysUnder(h, 'rl:callback:*');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(
      new RegExp(`^${h.redis!.prefix}:rl:callback:(::ffff:)?127\\.0\\.0\\.1$`),
    );
    expect(Number(await h.redis!.redis.get(keys[0]!))).toBe(1);
    expect(await h.redis!.redis.ttl(keys[0]!)).toBeGreaterThan(0);
  });

  it('shares the budget between instances on the same Redis', async () => {
    const second = createApp({
      ...h.deps,
      rateLimiters: createRedisRateLimiters(
        h.redis!.redis,
        { callbackPerMinute: 3, apiPerMinute: 3 },
        h.redis!.prefix,
      ),
    });
    await supertest(app).get('/callback');
    await supertest(second).get('/callback');
    await supertest(app).get('/callback');
    expect((await supertest(second).get('/callback')).status).toBe(429);
  });

  it('answers the API with a 429 TOO_MANY_REQUESTS envelope per key, leaving other keys alone', async () => {
    for (let i = 0; i < 3; i++) expect((await apiGet(API_KEY)).status).toBe(200);

    const limited = await apiGet(API_KEY);
    const other = await apiGet(OTHER_KEY);

    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(limited.body.meta.request_id).toBe(limited.headers['x-request-id']);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(other.status).toBe(200);
  });

  it('keys API counts by a hash of the key, never the key itself', async () => {
    await apiGet(API_KEY);
    await apiGet(OTHER_KEY);
    const keys = await keysUnder(h, 'rl:api:*');
    expect(keys).toEqual(
      [API_KEY, OTHER_KEY]
        .map((k) => `${h.redis!.prefix}:rl:api:${sha256Hex(k).slice(0, 16)}`)
        .sort(),
    );
    const everyKey = (await h.redis!.redis.keys(`${h.redis!.prefix}:*`)).join('\n');
    expect(everyKey).not.toContain(API_KEY);
    expect(everyKey).not.toContain(OTHER_KEY);
  });

  it('does not count requests without a valid key against any key', async () => {
    for (let i = 0; i < 5; i++)
      expect((await supertest(app).get('/v1/onboardings')).status).toBe(401);
    expect(await keysUnder(h, 'rl:api:*')).toEqual([]);
    expect((await apiGet(API_KEY)).status).toBe(200);
  });
});

describe('rate limits while Redis is unreachable', () => {
  let h: Harness;
  let broken: Redis;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    h = await startHarness({ store: 'memory' });
    // Nothing listens there and the client gives up at once: every command fails.
    broken = new Redis(await freePort(), '127.0.0.1', { retryStrategy: () => null });
    broken.on('error', () => {});
    await new Promise((resolve) => broken.once('end', resolve));
    const limiters: RateLimiters = createRedisRateLimiters(
      broken,
      { callbackPerMinute: 5, apiPerMinute: 5 },
      'llrtest',
    );
    app = createApp({ ...h.deps, rateLimiters: limiters });
  });
  afterAll(async () => {
    await h.close();
  });

  it('fails the API request closed with SERVICE_UNAVAILABLE, not open and not by crashing', async () => {
    const res = await supertest(app)
      .get('/v1/onboardings')
      .set('Authorization', `Bearer ${API_KEY}`);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('1');
  });

  it('shows the SERVICE_UNAVAILABLE page on the callback', async () => {
    const res = await supertest(app).get('/callback');
    expect(res.status).toBe(503);
    expect(res.text).toContain('SERVICE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('1');
  });
});

describe('rate limits in memory (sandbox)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'memory' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('limits per address and per key in one process', async () => {
    const app = createApp({
      ...h.deps,
      rateLimiters: createMemoryRateLimiters({ callbackPerMinute: 1, apiPerMinute: 1 }),
    });
    expect((await supertest(app).get('/callback')).status).toBe(400);
    expect((await supertest(app).get('/callback')).status).toBe(429);
    const api = () =>
      supertest(app).get('/v1/onboardings').set('Authorization', `Bearer ${API_KEY}`);
    expect((await api()).status).toBe(200);
    expect((await api()).status).toBe(429);
  });

  it('refuses a limit below one request per minute', () => {
    expect(() => createMemoryRateLimiters({ callbackPerMinute: 0, apiPerMinute: 1 })).toThrow(
      /callbackPerMinute/,
    );
  });
});
