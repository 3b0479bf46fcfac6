// Single completion per onboarding under concurrency across instances, and state reuse after the
// onboarding left `pending` (completed, cancelled, expired).
import supertest from 'supertest';
import { startHarness, type Harness, authenticatedCallback } from '../helpers/service-harness';
import type { createApp } from '../../src/app';
import { raisedEvents } from '../helpers/raised-events';

type App = ReturnType<typeof createApp>;

describe('security: completion races across instances (real Redis)', () => {
  let h: Harness;
  let instances: App[];
  beforeEach(async () => {
    h = await startHarness({ env: { RETURN_URL_ORIGINS: 'https://app.example.com' } });
    instances = [h.app, (await h.anotherInstance(h.redis!.anotherConnection())).app];
  });
  afterEach(async () => {
    await h.close();
  });

  it('the same valid callback 20x on two instances: one completion, one outbox event, all see success', async () => {
    const real = await authenticatedCallback(h);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => supertest(instances[i % 2]!).get(real.path)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await raisedEvents(h.storage.onboardings, real.onboardingId)).toHaveLength(1);
    expect(h.log.lines.filter((l) => l.outcome === 'COMPLETED')).toHaveLength(1);
  });

  it('two different valid-looking callbacks race (attacker uses their own link+verifier): only the real one completes', async () => {
    const victim = await authenticatedCallback(h);
    const attacker = await authenticatedCallback(h);
    const forged = `/callback?state=${victim.state}&link_id=${attacker.linkId}&link_verifier=${encodeURIComponent(attacker.verifier)}`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        supertest(instances[i % 2]!).get(i % 2 === 0 ? forged : victim.path),
      ),
    );
    for (const [i, a] of answers.entries()) expect(a.status).toBe(i % 2 === 0 ? 400 : 200);
    const stored = await h.storage.onboardings.getOnboarding(victim.onboardingId);
    expect(stored).toMatchObject({ status: 'completed', link_id: victim.linkId });
    expect(stored!.login_id).toBe(h.sim.getLink(victim.linkId)!.login_id);
    expect(await raisedEvents(h.storage.onboardings, victim.onboardingId)).toHaveLength(1);
    expect(await h.storage.onboardings.getOnboarding(attacker.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });

  it('a callback racing a cancel on another instance ends in exactly one consistent state', async () => {
    for (let round = 0; round < 5; round++) {
      const real = await authenticatedCallback(h);
      const [cb, cancel] = await Promise.all([
        supertest(instances[round % 2]!).get(real.path),
        supertest(instances[(round + 1) % 2]!)
          .post(`/v1/onboardings/${real.onboardingId}/cancel`)
          .set('Authorization', 'Bearer test-api-key-0123456789'),
      ]);
      const stored = await h.storage.onboardings.getOnboarding(real.onboardingId);
      const outbox = await raisedEvents(h.storage.onboardings, real.onboardingId);
      if (stored!.status === 'completed') {
        expect(cb.status).toBe(200);
        expect(cancel.status).toBe(409);
        expect(outbox).toHaveLength(1);
      } else {
        expect(stored!.status).toBe('cancelled');
        expect(cancel.status).toBe(200);
        expect(cb.status).toBe(400);
        expect(cb.text).toContain('STATE_INVALID');
        expect(stored!.login_id).toBeNull();
        expect(outbox).toHaveLength(0);
      }
    }
  });
});

describe('security: state reuse after the onboarding left pending', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('replay after success needs the verifier: a forged verifier on a completed onboarding changes nothing', async () => {
    const real = await authenticatedCallback(h);
    await supertest(h.app).get(real.path).expect(200);
    const done = await h.storage.onboardings.getOnboarding(real.onboardingId);
    const res = await supertest(h.app).get(
      `/callback?state=${real.state}&link_id=${real.linkId}&link_verifier=forged`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('VERIFIER_MISMATCH');
    expect(res.text).not.toContain('is connected');
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toEqual(done);
    expect(await raisedEvents(h.storage.onboardings, real.onboardingId)).toHaveLength(1);
  });

  it("a completed onboarding's state with another (authenticated) link is STATE_INVALID and changes nothing", async () => {
    const real = await authenticatedCallback(h);
    await supertest(h.app).get(real.path).expect(200);
    const done = await h.storage.onboardings.getOnboarding(real.onboardingId);
    const other = await authenticatedCallback(h);
    const res = await supertest(h.app).get(
      `/callback?state=${real.state}&link_id=${other.linkId}&link_verifier=${encodeURIComponent(other.verifier)}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toEqual(done);
    expect(await h.storage.onboardings.getOnboarding(other.onboardingId)).toMatchObject({
      status: 'pending',
    });
  });

  it("a cancelled onboarding's state is STATE_INVALID, even with the real link and verifier", async () => {
    const onboarding = await h.createOnboarding();
    // The customer authenticated, then the integrator cancelled before the browser came back.
    const path = h.authenticate(onboarding.link_id);
    await h.api('post', `/v1/onboardings/${onboarding.onboarding_id}/cancel`).expect(200);
    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
    expect(await h.storage.onboardings.getOnboarding(onboarding.onboarding_id)).toMatchObject({
      status: 'cancelled',
      login_id: null,
    });
    expect(await raisedEvents(h.storage.onboardings, onboarding.onboarding_id)).toHaveLength(0);
  });

  it("an expired onboarding's state is STATE_INVALID, even with the real link and verifier", async () => {
    const real = await authenticatedCallback(h);
    // Mark it expired the way the expiry sweep leaves it (status field of the record hash).
    const key = `${h.redis!.prefix}:{${real.onboardingId}}:onb`;
    expect(await h.redis!.redis.exists(key)).toBe(1);
    await h.redis!.redis.hset(key, 'status', 'expired');
    const res = await supertest(h.app).get(real.path);
    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
    expect(await h.storage.onboardings.getOnboarding(real.onboardingId)).toMatchObject({
      status: 'expired',
      login_id: null,
    });
    expect(await raisedEvents(h.storage.onboardings, real.onboardingId)).toHaveLength(0);
  });

  it('a state whose record is gone (TTL) is STATE_INVALID', async () => {
    const real = await authenticatedCallback(h);
    await h.redis!.redis.del(`${h.redis!.prefix}:{${real.onboardingId}}:onb`);
    const res = await supertest(h.app).get(real.path);
    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
    expect(await h.redis!.redis.exists(`${h.redis!.prefix}:{${real.onboardingId}}:onb`)).toBe(0);
  });
});
