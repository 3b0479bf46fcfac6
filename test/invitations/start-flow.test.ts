// Invitations end to end against the simulator over HTTP and a real Redis: a start link makes its upstream
// link only when the customer presses Continue, once, and the login completes the onboarding.
import supertest from 'supertest';
import { callbackPathOf, startHarness, type Harness } from '../helpers/service-harness';

function startPathOf(startUrl: string): string {
  return new URL(startUrl).pathname;
}

describe('invitations: create_link "on_open"', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates nothing upstream until the customer continues, then completes from the new link', async () => {
    const created = await h.createOnboarding({
      ds_id: 'GA',
      create_link: 'on_open',
      description: 'Acme reporting',
    });
    expect(created).toMatchObject({
      status: 'pending',
      ds_name: 'Google Analytics',
      link_id: null,
      login_url: null,
      links: [],
    });
    expect(h.sim.requestCounts().create ?? 0).toBe(0);
    const start = startPathOf(String(created.start_url));

    const page = await supertest(h.app).get(start).expect(200);
    expect(page.text).toContain('Connect your Google Analytics account');
    expect(page.text).toContain('Acme reporting');
    expect(page.text).toContain(`<form method="post" action="${start}">`);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(h.sim.requestCounts().create ?? 0).toBe(0);

    const sent = await supertest(h.app).post(start).expect(303);
    expect(h.sim.requestCounts().create).toBe(1);
    const stored = (await h.storage.onboardings.getOnboarding(created.onboarding_id))!;
    expect(stored.links).toHaveLength(1);
    expect(sent.headers.location).toBe(stored.links[0]!.login_url);

    const again = await supertest(h.app).post(start).expect(303);
    expect(again.headers.location).toBe(sent.headers.location);
    expect(h.sim.requestCounts().create).toBe(1);

    const { redirectUrl } = h.sim.authenticate(stored.links[0]!.link_id);
    await supertest(h.app).get(callbackPathOf(redirectUrl!)).expect(200);
    const done = await h.api('get', `/v1/onboardings/${created.onboarding_id}`);
    expect(done.body.data).toMatchObject({
      status: 'completed',
      link_id: stored.links[0]!.link_id,
      completed_via: 'callback',
    });
    const after = await supertest(h.app).post(start).expect(200);
    expect(after.text).toContain('is connected');
  });
});
