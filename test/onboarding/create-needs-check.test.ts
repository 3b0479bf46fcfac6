// An onboarding is only stored with its reconciliation check: without one nobody would find a lost
// browser or relay an outbox after a crash, so a failure to schedule it fails the create cleanly.
import supertest from 'supertest';
import type { ReconcileSchedule } from '../../src/store/store';
import { startHarness, type Harness } from '../helpers/service-harness';

describe('POST /v1/onboardings when the reconciliation check cannot be scheduled', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE, stores nothing and closes the upstream link again', async () => {
    h = await startHarness();
    const failing: ReconcileSchedule = Object.create(h.storage.reconcileSchedule);
    failing.scheduleCheck = () => Promise.reject(new Error('connection lost'));
    const broken = h.appWithStorage({ reconcileSchedule: failing });

    const res = await supertest(broken)
      .post('/v1/onboardings')
      .set('Authorization', `Bearer ${h.deps.apiKeys[0]}`)
      .send({ ds_id: 'GA' });

    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    const create = h.sim.requests.find((r) => r.endpoint === 'create');
    expect(create).toBeDefined();
    const closes = h.sim.requests.filter((r) => r.endpoint === 'close');
    expect(closes).toHaveLength(1);
    expect((await h.storage.onboardings.listOnboardings({ limit: 10 })).items).toHaveLength(0);
  });
});
