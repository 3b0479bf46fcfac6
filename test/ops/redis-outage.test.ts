// Redis outages: /readyz and every request answer SERVICE_UNAVAILABLE quickly, and service resumes by itself, losing nothing.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import supertest from 'supertest';
import type { Storage } from '../../src/store/store';
import { createMetrics } from '../../src/ops/metrics';
import { openApiDocument } from '../../src/ops/openapi';
import { connectRedis, type RedisConnection } from '../../src/store/redis-connection';
import { redisServerOnPath } from '../helpers/redis-server';
import { startRestartableRedis, type RestartableRedis } from '../helpers/restartable-redis';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/service-harness';
import { responseChecker } from './openapi-check';
import { raisedEvents } from '../helpers/raised-events';

/** No request may hang while Redis is away: the connection fails commands within this. */
const ANSWER_WITHIN_MS = 4000;

async function timed<T>(request: PromiseLike<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await request;
  return { res, ms: Date.now() - started };
}

/** Repeats `probe` until it returns true, or fails after the deadline. */
async function pollUntil(what: string, deadlineMs: number, probe: () => Promise<boolean>) {
  const end = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SKIP_REASON = redisServerOnPath() ? '' : ' (skipped: redis-server is not on PATH)';
const describeWithRedisServer = SKIP_REASON ? describe.skip : describe;

describeWithRedisServer(`when Redis goes away and comes back${SKIP_REASON}`, () => {
  let redis: RestartableRedis;
  let h: Harness;
  let store: Storage;
  let connection: RedisConnection;
  const api = responseChecker(openApiDocument(PUBLIC_URL));

  beforeEach(async () => {
    redis = await startRestartableRedis();
    // The production connection options (connectRedis), not the test store's.
    connection = connectRedis({ url: redis.url }, 'llr-outage-test');
    h = await startHarness({
      store: { connection, prefix: `llrtest${randomBytes(6).toString('hex')}` },
      metrics: createMetrics({ processMetrics: false }),
      env: { RATE_LIMIT_CALLBACK: '1000', RATE_LIMIT_API: '1000' },
    });
    store = h.storage;
  });
  afterEach(async () => {
    await h.close();
    connection.disconnect();
    await redis.destroy();
  });

  it('answers 503 everywhere during a restart, then completes the callback it could not serve', async () => {
    const onboarding = await h.createOnboarding({ ds_id: 'GA', metadata: { keep: 'me' } });
    const path = h.authenticate(onboarding.link_id, 'ana@example.com');

    await redis.stop();

    const ready = await timed(supertest(h.app).get('/readyz'));
    expect(ready.res.status).toBe(503);
    expect(ready.res.body).toEqual({ status: 'unavailable', reason: 'store unreachable' });
    expect(ready.ms).toBeLessThan(ANSWER_WITHIN_MS);

    const got = await timed(h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`));
    expect(got.res.status).toBe(503);
    expect(got.res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(got.res.headers['retry-after']).toBe('1');
    expect(got.ms).toBeLessThan(ANSWER_WITHIN_MS);
    api.check('get', '/v1/onboardings/{onboarding_id}', got.res);

    const callback = await timed(supertest(h.app).get(path));
    expect(callback.res.status).toBe(503);
    expect(callback.res.headers['content-type']).toMatch(/text\/html/);
    expect(callback.res.text).toContain('SERVICE_UNAVAILABLE');
    expect(callback.res.headers['cache-control']).toBe('no-store');
    expect(callback.ms).toBeLessThan(ANSWER_WITHIN_MS);

    await supertest(h.app).get('/healthz').expect(200);

    await redis.start();
    await pollUntil('/readyz 200 after Redis returned', 10_000, async () => {
      return (await supertest(h.app).get('/readyz')).status === 200;
    });

    const completed = await supertest(h.app).get(path);
    expect(completed.status).toBe(200);
    expect(completed.text).toContain('is connected');
    const after = await h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`);
    expect(after.status).toBe(200);
    expect(after.body.data).toMatchObject({
      status: 'completed',
      login_username: 'ana@example.com',
      metadata: { keep: 'me' },
    });
    expect(await raisedEvents(store.onboardings, onboarding.onboarding_id)).toHaveLength(1);
    const text = (await supertest(h.app).get('/metrics')).text;
    expect(text).toContain('llr_callbacks_total{outcome="SERVICE_UNAVAILABLE"} 1');
    expect(text).toContain('llr_callbacks_total{outcome="COMPLETED"} 1');
  });

  it('closes the upstream link of a create whose record could not be stored, and creates once Redis is back', async () => {
    // Redis goes away exactly between the upstream create and the store write.
    const storeRecord = store.onboardings.createOnboarding.bind(store.onboardings);
    store.onboardings.createOnboarding = async (record, ttl) => {
      await redis.stop();
      return storeRecord(record, ttl);
    };
    const calls = (endpoint: string) => h.sim.requests.filter((r) => r.endpoint === endpoint);

    const refused = await timed(h.api('post', '/v1/onboardings').send({ ds_id: 'GA' }));

    expect(refused.res.status).toBe(503);
    expect(refused.res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.ms).toBeLessThan(ANSWER_WITHIN_MS);
    api.check('post', '/v1/onboardings', refused.res);
    expect(calls('create')).toHaveLength(1);
    expect(calls('close')).toHaveLength(1);

    store.onboardings.createOnboarding = storeRecord;
    const whileDown = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });
    expect(whileDown.status).toBe(503);
    expect(calls('create')).toHaveLength(1);

    await redis.start();
    await pollUntil('/readyz 200 after Redis returned', 10_000, async () => {
      return (await supertest(h.app).get('/readyz')).status === 200;
    });
    const created = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });
    expect(created.status).toBe(201);
    const listed = await h.api('get', '/v1/onboardings');
    expect(listed.body.data.map((o: { onboarding_id: string }) => o.onboarding_id)).toEqual([
      created.body.data.onboarding_id,
    ]);
  });

  it('answers 503 within the command timeout when Redis hangs instead of refusing, then recovers', async () => {
    const onboarding = await h.createOnboarding();
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      // Every other client's commands wait while paused: a Redis that accepts but never answers.
      await admin.call('CLIENT', 'PAUSE', '3400', 'ALL');

      const [ready, got] = await Promise.all([
        timed(supertest(h.app).get('/readyz')),
        timed(h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`)),
      ]);

      expect(ready.res.status).toBe(503);
      expect(got.res.status).toBe(503);
      expect(got.res.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(Math.max(ready.ms, got.ms)).toBeLessThan(ANSWER_WITHIN_MS);
    } finally {
      await admin.quit();
    }
    await pollUntil('/readyz 200 after the pause', 10_000, async () => {
      return (await supertest(h.app).get('/readyz')).status === 200;
    });
    const got = await h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`);
    expect(got.status).toBe(200);
    expect(got.body.data.status).toBe('pending');
  });
});
