// TRUST_PROXY: X-Forwarded-Proto and X-Forwarded-For are honoured from the trusted hop only, else ignored.
import supertest from 'supertest';
import { createApp } from '../../src/app';
import { createRedisRateLimiters } from '../../src/http/rate-limit';
import { startHarness, type Harness } from '../helpers/service-harness';

describe('TRUST_PROXY: TLS ends at a proxy in front', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { TRUST_PROXY: '1' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    ['X-Forwarded-Proto: http', { 'X-Forwarded-Proto': 'http' }],
    ['no X-Forwarded-Proto', {}],
  ])(
    'refuses a callback that reached the proxy with %s, keeping the onboarding pending',
    async (_name, headers) => {
      const onboarding = await h.createOnboarding();
      const path = h.authenticate(onboarding.link_id);

      const res = await supertest(h.app).get(path).set(headers);

      expect(res.status).toBe(400);
      expect(res.text).toContain('INVALID_REQUEST');
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
        'pending',
      );
      expect(h.sim.requests.filter((r) => r.endpoint === 'get')).toHaveLength(0);
    },
  );

  it('completes a callback forwarded as https', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);

    const res = await supertest(h.app).get(path).set('X-Forwarded-Proto', 'https');

    expect(res.status).toBe(200);
    expect(res.text).toContain('is connected');
    expect((await h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'completed',
    );
  });

  it('rate-limits by the address the trusted hop saw, whatever a client puts before it', async () => {
    const app = createApp({
      ...h.deps,
      rateLimiters: createRedisRateLimiters(
        h.redis!.redis,
        { callbackPerMinute: 2, apiPerMinute: 100 },
        h.redis!.prefix,
      ),
    });
    const callback = (forwardedFor: string) =>
      supertest(app)
        .get('/callback')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-For', forwardedFor);

    // The proxy appends the address it saw (203.0.113.7); what came before is the client's to forge.
    expect((await callback('6.6.6.6, 203.0.113.7')).status).toBe(400);
    expect((await callback('7.7.7.7, 8.8.8.8, 203.0.113.7')).status).toBe(400);
    expect((await callback('9.9.9.9, 203.0.113.7')).status).toBe(429);
    expect((await callback('198.51.100.1')).status).toBe(400);

    const keys = (await h.redis!.redis.keys(`${h.redis!.prefix}:rl:callback:*`)).sort();
    expect(keys).toEqual([
      `${h.redis!.prefix}:rl:callback:198.51.100.1`,
      `${h.redis!.prefix}:rl:callback:203.0.113.7`,
    ]);
  });
});

describe('without TRUST_PROXY', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('ignores X-Forwarded-Proto: the callback completes', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);

    const res = await supertest(h.app).get(path).set('X-Forwarded-Proto', 'http');

    expect(res.status).toBe(200);
  });

  it('ignores X-Forwarded-For: every request counts against the socket address', async () => {
    const app = createApp({
      ...h.deps,
      rateLimiters: createRedisRateLimiters(
        h.redis!.redis,
        { callbackPerMinute: 2, apiPerMinute: 100 },
        h.redis!.prefix,
      ),
    });
    const callback = (forwardedFor: string) =>
      supertest(app).get('/callback').set('X-Forwarded-For', forwardedFor);

    expect((await callback('1.1.1.1')).status).toBe(400);
    expect((await callback('2.2.2.2')).status).toBe(400);
    expect((await callback('3.3.3.3')).status).toBe(429);

    const keys = await h.redis!.redis.keys(`${h.redis!.prefix}:rl:callback:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/:rl:callback:(::ffff:)?127\.0\.0\.1$/);
  });
});
