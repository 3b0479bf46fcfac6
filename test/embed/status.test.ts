// GET /start/<token>/status: what the SDK polls. It names the status and the onboarding and nothing
// else, lets only RETURN_URL_ORIGINS read it (CORS), and changes nothing.
import supertest from 'supertest';
import { startHarness, type Harness } from '../helpers/service-harness';

describe('the start link status for the SDK', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function invitation(): Promise<{ id: string; statusPath: string; startPath: string }> {
    const created = await h.createOnboarding({ ds_id: 'GA', create_link: 'on_open' });
    const startPath = new URL(String(created.start_url)).pathname;
    return { id: created.onboarding_id, startPath, statusPath: `${startPath}/status` };
  }

  it('answers pending, then completed, with the onboarding id only, and calls nothing upstream', async () => {
    const { id, statusPath, startPath } = await invitation();
    const pending = await supertest(h.app).get(statusPath).expect(200);
    expect(pending.body).toEqual({ status: 'pending', onboarding_id: id });
    expect(h.sim.requests).toHaveLength(0);

    await supertest(h.app).post(startPath).expect(303);
    const link = (await h.storage.onboardings.getOnboarding(id))!.links[0]!;
    await supertest(h.app).get(h.authenticate(link.link_id)).expect(200);
    const done = await supertest(h.app).get(statusPath).expect(200);
    expect(done.body).toEqual({ status: 'completed', onboarding_id: id });
  });

  it('lets an allowed origin read it, and no other', async () => {
    const { statusPath } = await invitation();
    const allowed = await supertest(h.app)
      .get(statusPath)
      .set('Origin', 'https://app.example.com')
      .expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers.vary).toMatch(/Origin/);
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null']) {
      const other = await supertest(h.app).get(statusPath).set('Origin', origin).expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('answers cancelled for a withdrawn invitation, and 404 for an unknown or forged token', async () => {
    const { id, statusPath } = await invitation();
    await h.api('post', `/v1/onboardings/${id}/cancel`).expect(200);
    expect((await supertest(h.app).get(statusPath).expect(200)).body.status).toBe('cancelled');
    const forged = statusPath.replace(/\.[^/]+\/status$/, `.${'A'.repeat(32)}/status`);
    const unknown = await supertest(h.app).get(forged).expect(404);
    expect(unknown.body).toEqual({ status: 'unknown' });
    await supertest(h.app).get('/start/%ZZ/status').expect(404);
  });
});
