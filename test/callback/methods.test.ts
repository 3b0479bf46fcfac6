// /callback answers only GET: a HEAD is refused with 405 and completes nothing.
import supertest from 'supertest';
import { startHarness, type Harness } from '../helpers/service-harness';

describe('/callback methods', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers HEAD with 405 and completes nothing', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);

    const res = await supertest(h.app).head(path);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
    expect((await h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'pending',
    );
    expect(h.sim.requests.filter((r) => r.endpoint === 'get')).toHaveLength(0);
  });
});
