// GET /callback over the simulator: success, replays, return_url redirects, each failure code, races, outages.
import supertest from 'supertest';
import { startHarness, type Harness } from '../helpers/service-harness';
import { raisedEvents } from '../helpers/raised-events';

function queryOf(path: string): URLSearchParams {
  return new URLSearchParams(path.split('?')[1]);
}

function withParams(path: string, changes: Record<string, string | null>): string {
  const params = queryOf(path);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
  return `/callback?${params.toString()}`;
}

function upstreamGets(h: Harness): number {
  return h.sim.requests.filter((r) => r.endpoint === 'get').length;
}

describe('GET /callback', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('completes the onboarding, shows the connected page and writes one webhook event', async () => {
    const onboarding = await h.createOnboarding({ ds_id: 'GA', metadata: { customer: 42 } });
    const path = h.authenticate(onboarding.link_id, 'ana@example.com');

    const res = await supertest(h.app).get(path);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Google Analytics');
    expect(res.text).toContain('is connected');
    expect(res.text).not.toMatch(/<script/i);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const stored = await h.storage.onboardings.getOnboarding(onboarding.onboarding_id);
    const link = h.sim.getLink(onboarding.link_id)!;
    expect(stored).toMatchObject({
      status: 'completed',
      completed_via: 'callback',
      login_id: link.login_id,
      login_username: 'ana@example.com',
      last_error: null,
    });
    const events = await raisedEvents(h.storage.onboardings, onboarding.onboarding_id);
    expect(events).toHaveLength(1);
    const body = JSON.parse(events[0]!.body);
    expect(body).toMatchObject({
      type: 'login.completed',
      data: {
        onboarding_id: onboarding.onboarding_id,
        link_id: onboarding.link_id,
        ds_id: 'GA',
        login_id: link.login_id,
        login_username: 'ana@example.com',
        metadata: { customer: 42 },
        completed_via: 'callback',
      },
    });
  });

  it('shows success again on a replay and changes nothing', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    await supertest(h.app).get(path).expect(200);
    const first = await h.storage.onboardings.getOnboarding(onboarding.onboarding_id);

    const again = await supertest(h.app).get(path);

    expect(again.status).toBe(200);
    expect(again.text).toContain('is connected');
    expect(await h.storage.onboardings.getOnboarding(onboarding.onboarding_id)).toEqual(first);
    expect(await raisedEvents(h.storage.onboardings, onboarding.onboarding_id)).toHaveLength(1);
  });

  it('shows success on a reload even while the upstream is down, without asking it', async () => {
    const onboarding = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/done',
    });
    const path = h.authenticate(onboarding.link_id);
    await supertest(h.app).get(path).expect(303);
    h.sim.faults.inject({ endpoint: 'any', times: 100, drop: true });
    const gets = upstreamGets(h);

    const again = await supertest(h.app).get(path);

    expect(again.status).toBe(303);
    expect(new URL(again.headers.location!).searchParams.get('status')).toBe('completed');
    expect(upstreamGets(h)).toBe(gets);
    expect(await raisedEvents(h.storage.onboardings, onboarding.onboarding_id)).toHaveLength(1);
  });

  it('refuses a reload with a forged verifier after success, changing nothing', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    await supertest(h.app).get(path).expect(200);
    const completed = await h.storage.onboardings.getOnboarding(onboarding.onboarding_id);

    const forged = await supertest(h.app).get(withParams(path, { link_verifier: 'C'.repeat(43) }));

    expect(forged.status).toBe(400);
    expect(forged.text).toContain('VERIFIER_MISMATCH');
    expect(await h.storage.onboardings.getOnboarding(onboarding.onboarding_id)).toEqual(completed);
    expect(JSON.stringify(completed)).not.toContain(
      new URLSearchParams(path.split('?')[1]).get('link_verifier')!,
    );
  });

  it('redirects to return_url with the onboarding id and status on success', async () => {
    const onboarding = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/done?x=1',
    });
    const res = await supertest(h.app).get(h.authenticate(onboarding.link_id));
    expect(res.status).toBe(303);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const location = new URL(res.headers.location!);
    expect(location.origin + location.pathname).toBe('https://app.example.com/done');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      x: '1',
      onboarding_id: onboarding.onboarding_id,
      status: 'completed',
    });
  });

  it('redirects a failure with a known state to return_url with status=failed and the code', async () => {
    const onboarding = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/done',
    });
    const path = h.authenticate(onboarding.link_id);
    const res = await supertest(h.app).get(withParams(path, { link_verifier: 'forged-verifier' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location!);
    expect(location.searchParams.get('status')).toBe('failed');
    expect(location.searchParams.get('error')).toBe('VERIFIER_MISMATCH');
  });

  it('keeps the onboarding pending when the verifier is forged, then completes with the real one', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);

    const forged = await supertest(h.app).get(withParams(path, { link_verifier: 'A'.repeat(43) }));

    expect(forged.status).toBe(400);
    expect(forged.text).toContain('VERIFIER_MISMATCH');
    const pending = await h.storage.onboardings.getOnboarding(onboarding.onboarding_id);
    expect(pending?.status).toBe('pending');
    expect(pending?.last_error?.code).toBe('VERIFIER_MISMATCH');
    expect(await raisedEvents(h.storage.onboardings, onboarding.onboarding_id)).toHaveLength(0);

    await supertest(h.app).get(path).expect(200);
    const completed = await h.storage.onboardings.getOnboarding(onboarding.onboarding_id);
    expect(completed?.status).toBe('completed');
    expect(completed?.last_error).toBeNull();
  });

  describe('refuses malformed parameters with INVALID_REQUEST before any lookup', () => {
    const cases: [string, (path: string) => string][] = [
      ['a missing state', (p) => withParams(p, { state: null })],
      ['a missing link_id', (p) => withParams(p, { link_id: null })],
      ['a missing link_verifier', (p) => withParams(p, { link_verifier: null })],
      ['a repeated state', (p) => `${p}&state=${queryOf(p).get('state')}`],
      ['a repeated link_id', (p) => `${p}&link_id=other`],
      ['a too long verifier', (p) => withParams(p, { link_verifier: 'v'.repeat(256) })],
      ['a too long query', (p) => `${p}&pad=${'x'.repeat(3000)}`],
      ['a short state', (p) => withParams(p, { state: 'abc' })],
      ['a link_id with a path', (p) => withParams(p, { link_id: '../x' })],
      ['a link_id with a slash', (p) => withParams(p, { link_id: 'a/b' })],
      ['a link_id with an encoded slash', (p) => p.replace(/link_id=[^&]+/, 'link_id=a%2Fb')],
      ['a 51-character link_id', (p) => withParams(p, { link_id: 'a'.repeat(51) })],
    ];
    it.each(cases)('%s', async (_name, mutate) => {
      const onboarding = await h.createOnboarding();
      const path = h.authenticate(onboarding.link_id);
      const before = upstreamGets(h);

      const res = await supertest(h.app).get(mutate(path));

      expect(res.status).toBe(400);
      expect(res.text).toContain('INVALID_REQUEST');
      expect(upstreamGets(h)).toBe(before);
      expect((await h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
        'pending',
      );
    });
  });

  it('answers STATE_INVALID for an unknown state, without asking the upstream', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const res = await supertest(h.app).get(withParams(path, { state: 'B'.repeat(43) }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
    expect(upstreamGets(h)).toBe(0);
  });

  it('answers STATE_INVALID for a cancelled onboarding', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    await h.api('post', `/v1/onboardings/${onboarding.onboarding_id}/cancel`).expect(200);
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
  });

  it('answers LINK_MISMATCH when the link belongs to another onboarding', async () => {
    const mine = await h.createOnboarding();
    const other = await h.createOnboarding();
    const path = h.authenticate(mine.link_id);
    const res = await supertest(h.app).get(withParams(path, { link_id: other.link_id }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('LINK_MISMATCH');
    expect(upstreamGets(h)).toBe(0);
    expect((await h.storage.onboardings.getOnboarding(mine.onboarding_id))?.last_error?.code).toBe(
      'LINK_MISMATCH',
    );
  });

  it('answers LOGIN_INCOMPLETE when the link has no login yet, and completes later', async () => {
    const onboarding = await h.createOnboarding();
    const verifier = h.sim.getLink(onboarding.link_id)!.redirect_verifier;
    const state = new URL(h.sim.getLink(onboarding.link_id)!.redirect_url).searchParams.get(
      'state',
    )!;
    const early = `/callback?state=${state}&link_id=${onboarding.link_id}&link_verifier=${verifier}`;

    const res = await supertest(h.app).get(early);

    expect(res.status).toBe(400);
    expect(res.text).toContain('LOGIN_INCOMPLETE');
    expect(upstreamGets(h)).toBe(4); // the first read and three re-reads
    h.authenticate(onboarding.link_id);
    await supertest(h.app).get(early).expect(200);
  });

  it('re-reads a lagging link until its login appears', async () => {
    const onboarding = await h.createOnboarding();
    const { redirectUrl } = h.sim.authenticate(onboarding.link_id, { loginVisibleAfterReads: 2 });
    const url = new URL(redirectUrl!);
    const res = await supertest(h.app).get(`${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(upstreamGets(h)).toBe(3);
  });

  it('refuses a login made with another username than require_username', async () => {
    const onboarding = await h.createOnboarding({
      ds_id: 'GA',
      require_username: 'ana@example.com',
    });
    const path = h.authenticate(onboarding.link_id);
    h.sim.setLink(onboarding.link_id, { login_username: 'mallory@example.com' });
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(400);
    expect(res.text).toContain('LOGIN_INCOMPLETE');
  });

  it('answers LINK_NOT_FOUND when the upstream does not know the link', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    h.sim.faults.inject({
      endpoint: 'get',
      status: 404,
      body: { error: 'LINK_NOT_FOUND', message: 'Requested data source login link was not found.' },
    });
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(400);
    expect(res.text).toContain('LINK_NOT_FOUND');
  });

  it('tells the customer the connection is being confirmed when the upstream fails, checks again soon, and a reload completes it', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    h.sim.faults.inject({
      endpoint: 'get',
      times: 10,
      status: 500,
      body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'x' } },
    });
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(202);
    expect(res.text).toContain('We are confirming your connection');
    expect(res.text).toContain('You can close this window');
    const stored = await h.storage.onboardings.getOnboarding(onboarding.onboarding_id);
    expect(stored).toMatchObject({
      status: 'pending',
      last_error: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    // The first check was a RECONCILE_INTERVAL (60 s) away: it now falls due within 30 s.
    const due = await h.storage.reconcileSchedule.claimDueChecks(Date.now() + 30_000, 1000, 100);
    expect(due).toContain(onboarding.onboarding_id);
    h.sim.faults.clear();
    await supertest(h.app).get(path).expect(200);
  });

  it('sends the browser to return_url with status=processing when the upstream fails', async () => {
    const onboarding = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/done',
    });
    const path = h.authenticate(onboarding.link_id);
    h.sim.faults.inject({ endpoint: 'get', times: 10, status: 503, body: 'down' });
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location!);
    expect(location.origin + location.pathname).toBe('https://app.example.com/done');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      onboarding_id: onboarding.onboarding_id,
      status: 'processing',
    });
    expect((await h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'pending',
    );
  });

  it('never shows or logs the state or the verifier, nor returns the state from the API', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const state = queryOf(path).get('state')!;
    const verifier = queryOf(path).get('link_verifier')!;
    const pages = [
      await supertest(h.app).get(withParams(path, { link_verifier: 'forged' })),
      await supertest(h.app).get(path),
      await supertest(h.app).get(path),
    ];
    const api = await h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`);
    const list = await h.api('get', '/v1/onboardings');
    for (const text of [
      ...pages.map((p) => p.text),
      JSON.stringify(api.body),
      JSON.stringify(list.body),
      h.log.text(),
    ]) {
      expect(text).not.toContain(state);
      expect(text).not.toContain(verifier);
      expect(text).not.toContain('test-api-key');
    }
    expect(h.log.lines.some((l) => l.outcome === 'COMPLETED')).toBe(true);
  });
});

describe('GET /callback under concurrency', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('completes once when two instances on one Redis get 50 identical callbacks', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const second = await h.anotherInstance(h.redis!.anotherConnection());
    const instances = [h.app, second.app];

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => supertest(instances[i % 2]!).get(path)),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(await raisedEvents(h.storage.onboardings, onboarding.onboarding_id)).toHaveLength(1);
    const completions = h.log.lines.filter((l) => l.outcome === 'COMPLETED');
    expect(completions).toHaveLength(1);
  });
});

describe('GET /callback when Redis is unreachable', () => {
  it('answers SERVICE_UNAVAILABLE', async () => {
    const h = await startHarness();
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    await h.redis!.redis.quit();
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(503);
    expect(res.text).toContain('SERVICE_UNAVAILABLE');
    await h.client.close();
    await h.upstream.close();
  });
});
