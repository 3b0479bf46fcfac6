// A failed callback of a still-pending onboarding offers Try again: its start link, recovered from the copy
// sealed under the link's state, so the customer recovers alone; never once the start link was replaced,
// never for an onboarding that is no longer pending, and Redis never holds the start token in clear.
import supertest from 'supertest';
import { callbackPathOf, startHarness, type Harness } from '../helpers/service-harness';

function forged(path: string): string {
  const query = new URLSearchParams(path.split('?')[1]);
  query.set('link_verifier', 'forged-verifier');
  return `/callback?${query.toString()}`;
}

/** The href of the page's Try again link, or null. */
function tryAgainHref(html: string): string | null {
  return /<a class="button" href="([^"]+)">Try again<\/a>/.exec(html)?.[1] ?? null;
}

describe('GET /callback: Try again', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('offers the start link on the failure page of an onboarding made with its link, and it works', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);

    const res = await supertest(h.app).get(forged(path));

    expect(res.status).toBe(400);
    expect(res.text).toContain('VERIFIER_MISMATCH');
    expect(tryAgainHref(res.text)).toBe(onboarding.start_url);
    expect(res.text).toContain('Select Try again to start over.');
    const start = await supertest(h.app).get(new URL(String(onboarding.start_url)).pathname);
    expect(start.status).toBe(200);
    expect(start.text).toContain('Connect your Google Analytics account');
  });

  it('offers it on a link made when the customer continued from the start link', async () => {
    const invitation = await h.createOnboarding({ ds_id: 'GA', create_link: 'on_open' });
    const startPath = new URL(String(invitation.start_url)).pathname;
    await supertest(h.app).post(startPath).expect(303);
    const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
    const { redirectUrl } = h.sim.authenticate(stored.links[0]!.link_id);

    const res = await supertest(h.app).get(forged(callbackPathOf(redirectUrl!)));

    expect(res.status).toBe(400);
    expect(tryAgainHref(res.text)).toBe(invitation.start_url);
  });

  it("offers it when the link is another onboarding's (the state's onboarding is the one to retry)", async () => {
    const mine = await h.createOnboarding();
    const other = await h.createOnboarding();
    const query = new URLSearchParams(h.authenticate(mine.link_id).split('?')[1]);
    query.set('link_id', other.link_id);

    const res = await supertest(h.app).get(`/callback?${query.toString()}`);

    expect(res.status).toBe(400);
    expect(res.text).toContain('LINK_MISMATCH');
    expect(tryAgainHref(res.text)).toBe(mine.start_url);
  });

  it('offers no Try again once the start link was re-issued: the old one no longer works', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const reissued = await h.api('post', `/v1/onboardings/${onboarding.onboarding_id}/start-link`);
    expect(reissued.status).toBe(200);

    const res = await supertest(h.app).get(forged(path));

    expect(res.status).toBe(400);
    expect(tryAgainHref(res.text)).toBeNull();
    expect(res.text).toContain('Go back to where you started connecting your account');
    expect(res.text).not.toContain(String(onboarding.start_url));
    expect(res.text).not.toContain(String(reissued.body.data.start_url));
  });

  it('offers no Try again for an onboarding that is no longer pending', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    await h.api('post', `/v1/onboardings/${onboarding.onboarding_id}/cancel`).expect(200);

    const res = await supertest(h.app).get(path);

    expect(res.status).toBe(400);
    expect(res.text).toContain('STATE_INVALID');
    expect(tryAgainHref(res.text)).toBeNull();
  });

  it('keeps the start token in Redis only sealed: no stored field reveals it', async () => {
    const onboarding = await h.createOnboarding();
    const secret = String(onboarding.start_url).split('.').pop()!;
    const keys = await h.redis!.redis.keys(`${h.redis!.prefix}*`);
    const stored: string[] = [];
    for (const key of keys) {
      const type = await h.redis!.redis.type(key);
      if (type === 'hash') stored.push(JSON.stringify(await h.redis!.redis.hgetall(key)));
      else if (type === 'string') stored.push(String(await h.redis!.redis.get(key)));
    }
    expect(stored.join('\n')).toContain('start_token_sealed');
    expect(stored.join('\n')).not.toContain(secret);
  });
});
