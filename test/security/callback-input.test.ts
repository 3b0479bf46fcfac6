// Attacker's-eye checks of /callback's query handling: every trick is refused before the upstream
// is called or Redis is touched, and a refusal never spoils the real customer's callback.
import supertest from 'supertest';
import {
  startHarness,
  type Harness,
  authenticatedCallback,
  type AuthenticatedCallback,
} from '../helpers/service-harness';
import { raisedEvents } from '../helpers/raised-events';

function upstreamCalls(h: Harness): number {
  return h.sim.requests.filter((r) => r.endpoint !== 'create').length;
}

describe('security: /callback query tricks', () => {
  let h: Harness;
  let real: AuthenticatedCallback;
  beforeEach(async () => {
    h = await startHarness();
    real = await authenticatedCallback(h);
  });
  afterEach(async () => {
    await h.close();
  });

  /** The trick is refused as INVALID_REQUEST, nothing reached the upstream, and the real callback still completes. */
  async function expectRefusedBeforeAnything(rawQuery: string): Promise<void> {
    const before = upstreamCalls(h);
    const res = await supertest(h.app).get(`/callback?${rawQuery}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('INVALID_REQUEST');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers.location).toBeUndefined();
    expect(upstreamCalls(h)).toBe(before);
    const stored = await h.storage.onboardings.getOnboarding(real.onboardingId);
    expect(stored).toMatchObject({ status: 'pending', last_error: null });
  }

  const q = (
    r: AuthenticatedCallback,
    overrides: Partial<Record<'state' | 'link_id' | 'link_verifier', string>>,
  ) =>
    [
      `state=${overrides.state ?? r.state}`,
      `link_id=${overrides.link_id ?? r.linkId}`,
      `link_verifier=${overrides.link_verifier ?? encodeURIComponent(r.verifier)}`,
    ].join('&');

  it('refuses array-style state[]= (no state at all)', async () => {
    await expectRefusedBeforeAnything(
      `state[]=${real.state}&link_id=${real.linkId}&link_verifier=${real.verifier}`,
    );
  });

  it('refuses a repeated state, even when one copy is the real one', async () => {
    await expectRefusedBeforeAnything(`${q(real, {})}&state=${real.state}`);
    await expectRefusedBeforeAnything(`state=${'A'.repeat(43)}&${q(real, {})}`);
  });

  it('refuses a repeated link_id or link_verifier', async () => {
    await expectRefusedBeforeAnything(`${q(real, {})}&link_id=${real.linkId}`);
    await expectRefusedBeforeAnything(`${q(real, {})}&link_verifier=x`);
  });

  it('does not treat ";" as a separator', async () => {
    await expectRefusedBeforeAnything(
      `state=${real.state};link_id=${real.linkId};link_verifier=${real.verifier}`,
    );
  });

  it('refuses "+" and "%20" smuggled into the state', async () => {
    await expectRefusedBeforeAnything(q(real, { state: `${real.state.slice(0, 42)}+` }));
    await expectRefusedBeforeAnything(q(real, { state: `${real.state.slice(0, 41)}%20` }));
    await expectRefusedBeforeAnything(q(real, { state: `+${real.state.slice(1)}` }));
  });

  it('refuses a double-encoded state', async () => {
    const doubled = real.state.replace(/[A-Z]/, (c) => `%25${c.charCodeAt(0).toString(16)}`);
    await expectRefusedBeforeAnything(q(real, { state: doubled }));
  });

  it('refuses null bytes and control characters in every parameter', async () => {
    await expectRefusedBeforeAnything(q(real, { state: `${real.state.slice(0, 42)}%00` }));
    await expectRefusedBeforeAnything(q(real, { link_id: `${real.linkId}%00` }));
    await expectRefusedBeforeAnything(q(real, { link_verifier: `${real.verifier}%00` }));
    await expectRefusedBeforeAnything(q(real, { link_verifier: `${real.verifier}%0d%0aX:1` }));
  });

  it('refuses path injection in link_id before any URL is built', async () => {
    for (const linkId of [
      '..%2F..%2Fds%2Flogin%2Flinks',
      '..',
      `${real.linkId}%2Fclose`,
      `${real.linkId}%3Fx%3D1`,
      `${real.linkId}%23`,
      '%252e%252e',
      `${real.linkId}%C3%A9`,
      'a'.repeat(51),
    ])
      await expectRefusedBeforeAnything(q(real, { link_id: linkId }));
  });

  it('refuses unicode look-alikes and over-long values', async () => {
    await expectRefusedBeforeAnything(
      q(real, { state: `${real.state.slice(0, 42)}${encodeURIComponent('Ａ')}` }),
    );
    await expectRefusedBeforeAnything(q(real, { link_verifier: 'v'.repeat(256) }));
    await expectRefusedBeforeAnything(`${q(real, {})}&pad=${'x'.repeat(3000)}`);
  });

  it('answers a huge query quickly with a 4xx, never a 5xx', async () => {
    const res = await supertest(h.app).get(`/callback?${q(real, {})}&pad=${'x'.repeat(60_000)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });

  it('refuses case variants of parameter names (STATE=, Link_Id=)', async () => {
    await expectRefusedBeforeAnything(
      `STATE=${real.state}&link_id=${real.linkId}&link_verifier=${real.verifier}`,
    );
  });

  it('ignores extra parameters but still verifies everything (the Supermetrics documentation example even starts with "?&")', async () => {
    const res = await supertest(h.app).get(
      `/callback?&utm_source=x&${q(real, {})}&onboarding_id=onb_somebodyelse0000&return_url=https://evil.example`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'completed',
    });
  });

  it('POST /callback does nothing (404 envelope, onboarding untouched)', async () => {
    const before = upstreamCalls(h);
    const res = await supertest(h.app).post(`/callback?${q(real, {})}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(real.state);
    expect(upstreamCalls(h)).toBe(before);
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });

  it('POST /callback with the parameters in a form body does nothing', async () => {
    const res = await supertest(h.app)
      .post('/callback')
      .type('form')
      .send({ state: real.state, link_id: real.linkId, link_verifier: real.verifier });
    expect(res.status).toBe(404);
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });

  it('HEAD /callback is refused (405): it completes nothing and sends no body and no secret', async () => {
    const res = await supertest(h.app).head(`/callback?${q(real, {})}`);
    expect(res.status).toBe(405);
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'pending',
    });
    expect(res.text ?? '').toBe('');
    expect(JSON.stringify(res.headers)).not.toContain(real.state);
    expect(JSON.stringify(res.headers)).not.toContain(real.verifier);
  });

  it('does not read parameters from the path or from a fragment-like suffix', async () => {
    const res = await supertest(h.app).get(
      `/callback/${real.state}?link_id=${real.linkId}&link_verifier=${real.verifier}`,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });
});

describe('security: forged callbacks never spoil the real one', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('a forged verifier, then the real callback: the real one completes, one webhook event', async () => {
    const real = await authenticatedCallback(h);
    const forged = real.path.replace(
      `link_verifier=${encodeURIComponent(real.verifier)}`,
      'link_verifier=forged',
    );
    const bad = await supertest(h.app).get(forged);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('VERIFIER_MISMATCH');
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'pending',
      last_error: { code: 'VERIFIER_MISMATCH' },
    });

    const good = await supertest(h.app).get(real.path);
    expect(good.status).toBe(200);
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'completed',
      last_error: null,
    });
    expect(await raisedEvents(h.storage.onboardings, real.onboardingId)).toHaveLength(1);
  });

  it('a verifier that differs only in case or by a prefix is refused', async () => {
    const real = await authenticatedCallback(h);
    for (const v of [
      real.verifier.toUpperCase() === real.verifier
        ? real.verifier.toLowerCase()
        : real.verifier.toUpperCase(),
      real.verifier.slice(0, -1),
      `${real.verifier}x`,
    ]) {
      if (v === real.verifier) continue;
      const res = await supertest(h.app).get(
        `/callback?state=${real.state}&link_id=${real.linkId}&link_verifier=${encodeURIComponent(v)}`,
      );
      expect(res.status).toBe(400);
      expect(res.text).toContain('VERIFIER_MISMATCH');
    }
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });

  it("a customer cannot complete onboarding A with their own link B and B's verifier", async () => {
    const a = await authenticatedCallback(h);
    const b = await authenticatedCallback(h);
    const res = await supertest(h.app).get(
      `/callback?state=${a.state}&link_id=${b.linkId}&link_verifier=${encodeURIComponent(b.verifier)}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('LINK_MISMATCH');
    expect(await h.storage.onboardings.getOnboarding(a.onboardingId)).toMatchObject({
      status: 'pending',
    });
    expect(await h.storage.onboardings.getOnboarding(b.onboardingId)).toMatchObject({
      status: 'pending',
    });
    // The real callbacks still work.
    await supertest(h.app).get(a.path).expect(200);
    await supertest(h.app).get(b.path).expect(200);
  });

  it("a customer cannot complete onboarding B with A's state swapped for B's link id (verifier of A)", async () => {
    const a = await authenticatedCallback(h);
    const b = await authenticatedCallback(h);
    const res = await supertest(h.app).get(
      `/callback?state=${b.state}&link_id=${b.linkId}&link_verifier=${encodeURIComponent(a.verifier)}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('VERIFIER_MISMATCH');
    expect(await h.storage.onboardings.getOnboarding(b.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });

  it('an unknown but well-formed state is STATE_INVALID and makes no upstream call', async () => {
    const real = await authenticatedCallback(h);
    const before = upstreamCalls(h);
    const res = await supertest(h.app).get(
      `/callback?state=${'B'.repeat(43)}&link_id=${real.linkId}&link_verifier=${encodeURIComponent(real.verifier)}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
    expect(res.headers.location).toBeUndefined();
    expect(upstreamCalls(h)).toBe(before);
  });
});
