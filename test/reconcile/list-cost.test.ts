// Reconciliation's upstream cost: one list request per pass finds which links changed, and only those
// are read one by one, however many onboardings are pending.
import {
  INTERVAL_SECONDS,
  startReconcileFixture,
  type ReconcileFixture,
} from './reconcile-fixture';

describe('reconciliation reads changed links only', () => {
  let f: ReconcileFixture;
  afterEach(async () => {
    await f.close();
  });

  function reconcileRequests(endpoint: string): number {
    return f.h.sim.requests.filter(
      (r) => r.endpoint === endpoint && String(r.headers['x-request-id']).startsWith('reconcile-'),
    ).length;
  }

  it('costs one list request for five pending links, plus one read for the one a customer finished', async () => {
    f = await startReconcileFixture();
    const reconciler = f.reconciler();
    const onboardings = [];
    for (let i = 0; i < 5; i++) onboardings.push(await f.h.createOnboarding());
    f.clock.advance(INTERVAL_SECONDS * 1000);

    const quiet = await reconciler.runOnce();
    expect(quiet.outcomes).toEqual({ still_pending: 5 });
    expect(reconcileRequests('list')).toBe(1);
    expect(reconcileRequests('get')).toBe(0);

    // One customer authenticated and closed the tab: its link reads CLOSED in the list.
    f.h.authenticate(onboardings[2]!.link_id);
    f.clock.advance(2 * INTERVAL_SECONDS * 1000);
    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ still_pending: 4, completed: 1 });
    expect(reconcileRequests('list')).toBe(2);
    expect(reconcileRequests('get')).toBe(1);
    const done = await f.h.storage.onboardings.getOnboarding(onboardings[2]!.onboarding_id);
    expect(done).toMatchObject({ status: 'completed', completed_via: 'reconciliation' });
  });

  it('reads each link on its own when the list cannot be read, and still completes', async () => {
    f = await startReconcileFixture();
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding();
    f.h.authenticate(onboarding.link_id);
    f.h.sim.faults.inject({
      endpoint: 'list',
      status: 500,
      times: 3,
      body: { meta: { request_id: 'req_500' }, error: { code: 'INTERNAL_ERROR', message: 'x' } },
    });
    f.clock.advance(INTERVAL_SECONDS * 1000);

    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ completed: 1 });
    expect(reconcileRequests('get')).toBe(1);
  });
});
