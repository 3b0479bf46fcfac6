// No Authorization header, API key, state, verifier or query in any log line, on success and error paths.
import supertest from 'supertest';
import { captureLog, type CapturedLog } from '../helpers/log-capture';
import { API_KEY, startHarness, type Harness } from '../helpers/service-harness';
import { unreachableStorage } from '../helpers/unreachable-storage';

const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;

function expectNoSecret(log: CapturedLog, secrets: string[]): void {
  const text = log.text();
  expect(log.lines.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(text).not.toContain(secret);
  // No log line carries a query string at all.
  expect(text).not.toMatch(/[?&](state|link_id|link_verifier)=/);
}

describe('log redaction', () => {
  let h: Harness;
  let log: CapturedLog;
  beforeEach(async () => {
    log = captureLog('trace');
    h = await startHarness({
      log,
      env: { RATE_LIMIT_CALLBACK: '100', RATE_LIMIT_API: '100' },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('logs no Authorization header, API key, state, verifier or query across the callback and the API', async () => {
    const created = await h
      .api('post', '/v1/onboardings')
      .set('Idempotency-Key', 'idem-0123456789')
      .send({ ds_id: 'GA', metadata: { customer: 1 } });
    expect(created.status).toBe(201);
    const onboarding = created.body.data as { onboarding_id: string; link_id: string };
    const path = h.authenticate(onboarding.link_id);
    const query = new URLSearchParams(path.split('?')[1]);
    const state = query.get('state')!;
    const verifier = query.get('link_verifier')!;

    await supertest(h.app).get(path.replace(verifier, 'forged-verifier')).expect(400);
    await supertest(h.app).get(path).expect(200);
    await supertest(h.app).get(path).expect(200);
    await supertest(h.app).get(`/nope?${query.toString()}`).expect(404);
    await h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`).expect(200);
    await supertest(h.app)
      .get('/v1/onboardings')
      .set('Authorization', `Bearer ${API_KEY}-wrong`)
      .expect(401);

    expect(log.lines.filter((l) => l.msg === 'request completed').length).toBeGreaterThanOrEqual(6);
    expectNoSecret(log, [API_KEY, state, verifier, 'forged-verifier', 'Bearer']);
  });

  it('logs none of them on error paths (upstream down, store down)', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const query = new URLSearchParams(path.split('?')[1]);
    h.sim.faults.inject({
      endpoint: 'get',
      times: 10,
      status: 500,
      body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'x' } },
    });
    // The customer is told the connection is being confirmed; the operator gets the warning.
    await supertest(h.app).get(path).expect(202);
    h.sim.faults.clear();

    const broken = h.appWithStorage(unreachableStorage(h.storage));
    await supertest(broken).get(path).expect(503);
    await supertest(broken)
      .post('/v1/onboardings')
      .set('Authorization', `Bearer ${API_KEY}`)
      .send({ ds_id: 'GA' })
      .expect((res) => expect(res.status).toBeGreaterThanOrEqual(500));

    expect(log.lines.some((l) => l.level === 40 || l.level === 50)).toBe(true);
    expectNoSecret(log, [API_KEY, query.get('state')!, query.get('link_verifier')!]);
  });

  it('censors secrets wherever a log call puts them', () => {
    const own = captureLog('trace');
    own.logger.info({ secret: WEBHOOK_SECRET }, 'a');
    own.logger.info({ webhook: { url: 'https://hooks.example.com', secret: WEBHOOK_SECRET } }, 'b');
    own.logger.info({ webhook: { secrets: [WEBHOOK_SECRET, WEBHOOK_SECRET] } }, 'b2');
    own.logger.info({ req: { headers: { authorization: `Bearer ${API_KEY}` } } }, 'c');
    own.logger.info({ headers: { authorization: `Bearer ${API_KEY}` } }, 'd');
    own.logger.info({ apiKey: API_KEY, state: 's'.repeat(43), link_verifier: 'v'.repeat(40) }, 'e');
    own.logger.info({ params: { state: 's'.repeat(43), link_verifier: 'v'.repeat(40) } }, 'f');

    expect(own.lines).toHaveLength(7);
    for (const secret of [WEBHOOK_SECRET, API_KEY, 's'.repeat(43), 'v'.repeat(40)])
      expect(own.text()).not.toContain(secret);
  });
});
