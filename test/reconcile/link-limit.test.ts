// The 403 LINK_LIMIT_EXCEEDED answer tells the integrator which open links are its pending onboardings.
import { startHarness, type Harness } from '../helpers/service-harness';

describe('POST /v1/onboardings over the team limit of open links', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('counts the open links, names our pending onboardings and says how to cancel them', async () => {
    const ours = [];
    for (let i = 0; i < 4; i++) ours.push(await h.createOnboarding());
    // A fifth link opened by someone else on the team, not through this receiver.
    await h.client.createLink({ ds_id: 'GA', expiry_time: '24 hours' });

    const res = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });

    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'LINK_LIMIT_EXCEEDED',
      open_links: 5,
      pending_onboardings: 4,
      cancel: 'POST /v1/onboardings/{onboarding_id}/cancel',
    });
    expect([...res.body.error.pending_onboarding_ids].sort()).toEqual(
      ours.map((o) => o.onboarding_id).sort(),
    );
    expect(res.body.error.description).toMatch(/5 login links are OPEN.*4 of them/);
    expect(res.body.error.description).toContain('POST /v1/onboardings/{onboarding_id}/cancel');

    await h.api('post', `/v1/onboardings/${ours[0]!.onboarding_id}/cancel`).expect(200);
    await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' }).expect(201);
  });

  it('still answers 403 with what it knows when the open links cannot be listed', async () => {
    const ours = [];
    for (let i = 0; i < 5; i++) ours.push(await h.createOnboarding());
    h.sim.faults.inject({ endpoint: 'list', status: 500, times: 5 });

    const res = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });

    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'LINK_LIMIT_EXCEEDED',
      open_links: null,
      pending_onboardings: 5,
    });
    expect(res.body.error.pending_onboarding_ids).toHaveLength(5);
    expect(res.body.error.description).toMatch(/could not be listed/);
  });
});
