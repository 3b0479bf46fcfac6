// Reconciliation within the upstream's limits: a 429's Retry-After is honoured by every instance, and
// reconciliation never uses more than its share of the hourly budget.
import {
  INTERVAL_SECONDS,
  T0,
  startReconcileFixture,
  type ReconcileFixture,
} from './reconcile-fixture';

const RATE_LIMITED = {
  meta: { request_id: 'req_429' },
  error: { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' },
};

describe('reconciliation and the upstream rate limit', () => {
  let f: ReconcileFixture;

  afterEach(async () => {
    await f.close();
  });

  it('sends no request before a 429 Retry-After has passed, on any instance, then resumes', async () => {
    f = await startReconcileFixture();
    const first = f.reconciler();
    const second = f.reconciler({ storage: f.h.redis!.another() });
    const onboarding = await f.h.createOnboarding();
    f.h.authenticate(onboarding.link_id);
    f.h.sim.faults.inject({
      endpoint: 'get',
      status: 429,
      headers: { 'Retry-After': '120' },
      body: RATE_LIMITED,
    });
    f.clock.advance(INTERVAL_SECONDS * 1000);

    const limited = await first.runOnce();
    expect(limited.outcomes).toEqual({ rate_limited: 1 });
    expect(f.reconcileGets()).toBe(1);
    expect(f.h.log.lines).toContainEqual(
      expect.objectContaining({
        msg: expect.stringMatching(/rate limit/),
        retry_after_seconds: 120,
      }),
    );

    for (const step of [1_000, 60_000, 58_999]) {
      f.clock.advance(step);
      await first.runOnce();
      await second.runOnce();
      expect(f.reconcileGets()).toBe(1);
    }

    f.clock.advance(1);
    const resumed = await second.runOnce();

    expect(resumed.outcomes).toEqual({ completed: 1 });
    expect(f.reconcileGets()).toBe(2);
    const retry = f.h.sim.requests.filter((r) => r.endpoint === 'get').at(-1)!;
    expect(retry.time).toBeGreaterThanOrEqual(T0 + INTERVAL_SECONDS * 1000 + 120_000);
  });

  it('keeps reconciliation within its share of the hourly budget, spread over the hour', async () => {
    const hourlyBudget = 40;
    f = await startReconcileFixture({ simulator: { hourlyBudget } });
    const reconciler = f.reconciler({ budgetShare: 0.5 });
    const onboardings = [];
    for (let i = 0; i < 5; i++) onboardings.push(await f.h.createOnboarding());
    const share = hourlyBudget * 0.5;

    for (let minute = 1; minute <= 120; minute++) {
      f.clock.advance(60_000);
      await reconciler.runOnce();
    }

    // Every reconciliation request counts: the pass's list and the single reads.
    const times = f.h.sim.requests
      .filter((r) => String(r.headers['x-request-id']).startsWith('reconcile-'))
      .map((r) => r.time);
    const inHour = (h: number) =>
      times.filter((t) => t >= T0 + h * 3_600_000 && t < T0 + (h + 1) * 3_600_000).length;
    expect(inHour(0)).toBeGreaterThan(0);
    expect(inHour(0)).toBeLessThanOrEqual(share);
    expect(inHour(1)).toBeGreaterThan(0);
    expect(inHour(1)).toBeLessThanOrEqual(share);
    // Spread: the first ten minutes get about their part of the hour's share, not all of it.
    const firstTenMinutes = times.filter((t) => t < T0 + 10 * 60_000).length;
    expect(firstTenMinutes).toBeLessThanOrEqual(Math.ceil(share * (10 / 60 + 0.05)));
    // The rest of the budget is left for callbacks and link creation.
    const callbackRead = await f.h.client.getLink(onboardings[0]!.link_id);
    expect(callbackRead.rateLimit.remaining).toBeGreaterThanOrEqual(0);
  });
});
