// The integrator API /v1/onboardings: auth, create (validation, upstream errors, Idempotency-Key), get, list, cancel.
import supertest from 'supertest';
import { ManualClock } from '../../src/lib/clock';
import { API_KEY, PUBLIC_URL, startHarness, type Harness } from '../helpers/service-harness';

describe('integrator API: /v1/onboardings', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('authentication', () => {
    it('refuses a request without a key with the UNAUTHORIZED envelope', async () => {
      const res = await supertest(h.app).get('/v1/onboardings');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.body.meta.request_id).toBe(res.headers['x-request-id']);
    });

    it.each([
      ['a wrong key', `Bearer ${API_KEY}x`],
      ['a prefix of the key', `Bearer ${API_KEY.slice(0, -1)}`],
      ['another scheme', `Basic ${API_KEY}`],
      ['an empty bearer', 'Bearer '],
    ])('refuses %s', async (_name, header) => {
      const res = await supertest(h.app).get('/v1/onboardings').set('Authorization', header);
      expect(res.status).toBe(401);
    });
  });

  describe('POST /v1/onboardings', () => {
    it('creates an upstream link whose redirect_url carries a fresh state, and never returns the state', async () => {
      const res = await h
        .api('post', '/v1/onboardings')
        .send({ ds_id: 'GA', description: 'Acme', metadata: { account: 'acme', tags: [] } });

      expect(res.status).toBe(201);
      const data = res.body.data;
      expect(data).toMatchObject({
        status: 'pending',
        ds_id: 'GA',
        ds_name: 'Google Analytics',
        description: 'Acme',
        metadata: { account: 'acme', tags: [] },
        return_url: null,
        completed_time: null,
        login_id: null,
        last_error: null,
      });
      expect(data.onboarding_id).toMatch(/^onb_[A-Za-z0-9_-]+$/);
      expect(res.body.meta.request_id).toEqual(expect.any(String));
      const link = h.sim.getLink(data.link_id)!;
      expect(data.login_url).toBe(link.login_url);
      const redirect = new URL(link.redirect_url);
      expect(`${redirect.origin}${redirect.pathname}`).toBe(`${PUBLIC_URL}/callback`);
      const state = redirect.searchParams.get('state')!;
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(res.body)).not.toContain(state);
      expect(
        JSON.stringify(await h.storage.onboardings.getOnboarding(data.onboarding_id)),
      ).not.toContain(state);
      // The default expiry is 24 hours.
      const hours = (Date.parse(data.expiry_time) - Date.parse(data.created_time)) / 3600000;
      expect(hours).toBeGreaterThan(23.9);
      expect(hours).toBeLessThan(24.1);
    });

    it('sends its request id upstream as X-Request-Id', async () => {
      const res = await h
        .api('post', '/v1/onboardings')
        .set('X-Request-Id', 'trace-0123456789')
        .send({ ds_id: 'GA' });
      expect(res.body.meta.request_id).toBe('trace-0123456789');
      const create = h.sim.requests.find((r) => r.endpoint === 'create')!;
      expect(create.headers['x-request-id']).toBe('trace-0123456789');
    });

    it.each([
      ['an unknown field', { ds_id: 'GA', colour: 'red' }, 'colour'],
      ['a missing ds_id', {}, 'ds_id'],
      ['a ds_id of the wrong type', { ds_id: 7 }, 'ds_id'],
      ['metadata that is not an object', { ds_id: 'GA', metadata: [1] }, 'metadata'],
      ['metadata over 4 KiB', { ds_id: 'GA', metadata: { blob: 'x'.repeat(4100) } }, 'metadata'],
      [
        'a return_url outside RETURN_URL_ORIGINS',
        { ds_id: 'GA', return_url: 'https://evil.example.com/' },
        'return_url',
      ],
      [
        'a require_username of the wrong type',
        { ds_id: 'GA', require_username: true },
        'require_username',
      ],
    ])('refuses %s with 422 naming the field', async (_name, body, field) => {
      const res = await h.api('post', '/v1/onboardings').send(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('UNPROCESSABLE_ENTITY');
      expect(res.body.error.message).toContain(field);
      expect(h.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(0);
    });

    it('refuses a body that is not JSON with a clear 400', async () => {
      const res = await h
        .api('post', '/v1/onboardings')
        .set('Content-Type', 'application/json')
        .send('{"ds_id":');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    });

    it('passes an upstream expiry_time refusal back as 422', async () => {
      const res = await h
        .api('post', '/v1/onboardings')
        .send({ ds_id: 'GA', expiry_time: 'whenever' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('UNPROCESSABLE_ENTITY');
      // The receiver leaves reading expiry_time to the upstream: it was asked, and refused.
      expect(h.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(1);
      expect(res.body.error.message).toMatch(/^The upstream refused the request/);
      expect((await h.api('get', '/v1/onboardings').expect(200)).body.data).toEqual([]);
    });

    it('answers 403 LINK_LIMIT_EXCEEDED when the team has five open links', async () => {
      for (let i = 0; i < 5; i++) await h.createOnboarding();
      const res = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('LINK_LIMIT_EXCEEDED');
    });

    it('answers 502 UPSTREAM_ERROR when the upstream fails, without retrying the POST', async () => {
      h.sim.faults.inject({
        endpoint: 'create',
        status: 500,
        body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'x' } },
      });
      const res = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('UPSTREAM_ERROR');
      expect(h.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(1);
    });

    it('returns the first result for a retried POST with the same Idempotency-Key', async () => {
      const send = () =>
        h.api('post', '/v1/onboardings').set('Idempotency-Key', 'order-42').send({ ds_id: 'GA' });
      const first = await send();
      const second = await send();
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body.data.onboarding_id).toBe(first.body.data.onboarding_id);
      expect(h.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(1);
    });

    it('refuses an Idempotency-Key reused with another body, creating no second upstream link', async () => {
      const first = await h
        .api('post', '/v1/onboardings')
        .set('Idempotency-Key', 'order-43')
        .send({ ds_id: 'GA' })
        .expect(201);
      const res = await h
        .api('post', '/v1/onboardings')
        .set('Idempotency-Key', 'order-43')
        .send({ ds_id: 'AW' });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        code: 'UNPROCESSABLE_ENTITY',
        field: 'Idempotency-Key',
      });
      expect(h.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(1);
      const list = await h.api('get', '/v1/onboardings').expect(200);
      expect(list.body.data.map((o: { onboarding_id: string }) => o.onboarding_id)).toEqual([
        first.body.data.onboarding_id,
      ]);
    });

    it('lets a key be used again after the upstream refused the first try', async () => {
      h.sim.faults.inject({
        endpoint: 'create',
        status: 500,
        body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'x' } },
      });
      const send = () =>
        h.api('post', '/v1/onboardings').set('Idempotency-Key', 'order-44').send({ ds_id: 'GA' });
      expect((await send()).status).toBe(502);
      expect((await send()).status).toBe(201);
    });
  });

  describe('GET /v1/onboardings/{id}', () => {
    it('returns the onboarding', async () => {
      const created = await h.createOnboarding();
      const res = await h.api('get', `/v1/onboardings/${created.onboarding_id}`);
      expect(res.status).toBe(200);
      // The start link is shown once, at creation, like an API key.
      const { start_url: startUrl, ...view } = created;
      expect(startUrl).toMatch(/^https:\/\/receiver\.test\/start\/onb_/);
      expect(res.body.data).toEqual(view);
      expect(res.body.data).not.toHaveProperty('start_url');
    });

    it('lists no webhook_ids while pending, then the webhook-id of its login.completed webhook', async () => {
      const created = await h.createOnboarding();
      expect(created.webhook_ids).toEqual([]);
      await supertest(h.app).get(h.authenticate(created.link_id)).expect(200);

      const res = await h.api('get', `/v1/onboardings/${created.onboarding_id}`);

      const [event] = await h.storage.webhookQueue.claimDue(Date.now() + 1000, 30_000, 10);
      expect(event?.onboarding_id).toBe(created.onboarding_id);
      expect(res.body.data.webhook_ids).toEqual([event!.webhook_id]);
    });

    it.each(['onb_doesnotexist000', 'nope', 'onb_{x}aaaaaaaaaa'])(
      'answers 404 NOT_FOUND for %s',
      async (id) => {
        const res = await h.api('get', `/v1/onboardings/${encodeURIComponent(id)}`);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      },
    );
  });

  describe('GET /v1/onboardings', () => {
    it('pages newest first with a cursor and filters by status', async () => {
      // A clock that moves a second per creation, so "newest first" does not depend on timing.
      const clock = new ManualClock();
      await h.close();
      h = await startHarness({ clock });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push((await h.createOnboarding()).onboarding_id);
        clock.advance(1000);
      }
      await h.api('post', `/v1/onboardings/${ids[1]}/cancel`).expect(200);

      const first = await h.api('get', '/v1/onboardings?limit=3');
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(3);
      const second = await h.api(
        'get',
        `/v1/onboardings?limit=3&cursor=${first.body.meta.next_cursor}`,
      );
      const seen = [...first.body.data, ...second.body.data].map(
        (o: { onboarding_id: string }) => o.onboarding_id,
      );
      expect(seen).toEqual([...ids].reverse());
      expect(second.body.meta.next_cursor).toBeNull();

      const cancelled = await h.api('get', '/v1/onboardings?status=cancelled');
      expect(cancelled.body.data.map((o: { onboarding_id: string }) => o.onboarding_id)).toEqual([
        ids[1],
      ]);
    });

    it.each(['status=done', 'limit=0', 'limit=101', 'limit=x', 'cursor=garbage', 'other=1'])(
      'refuses %s with 422',
      async (query) => {
        const res = await h.api('get', `/v1/onboardings?${query}`);
        expect(res.status).toBe(422);
      },
    );
  });

  describe('POST /v1/onboardings/{id}/cancel', () => {
    it('closes the upstream link and marks the onboarding cancelled', async () => {
      const created = await h.createOnboarding();
      const res = await h.api('post', `/v1/onboardings/${created.onboarding_id}/cancel`);
      expect(res.status).toBe(200);
      expect(res.body.data.status).toBe('cancelled');
      expect(h.sim.getLink(created.link_id)?.status_code).toBe('CLOSED');
    });

    it('refuses to cancel a completed onboarding with 409', async () => {
      const created = await h.createOnboarding();
      await supertest(h.app).get(h.authenticate(created.link_id)).expect(200);
      const res = await h.api('post', `/v1/onboardings/${created.onboarding_id}/cancel`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
    });

    it('answers 404 for an unknown onboarding', async () => {
      expect((await h.api('post', '/v1/onboardings/onb_doesnotexist000/cancel')).status).toBe(404);
    });
  });

  it('answers unknown routes with the NOT_FOUND envelope', async () => {
    const res = await h.api('get', '/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('answers /healthz and /readyz', async () => {
    await supertest(h.app).get('/healthz').expect(200);
    await supertest(h.app).get('/readyz').expect(200);
  });
});
