// When a pending onboarding's link is checked next.
import { MAX_CHECK_DELAY_MS, nextCheckAt } from '../../src/reconcile/backoff';
import { createUpstreamBudget } from '../../src/reconcile/budget';

const MIN = 60_000;
const FAR = 10 ** 13;

describe('nextCheckAt', () => {
  it('waits the interval at first, then doubles with the onboarding age', () => {
    const created = 0;
    const delays = [1, 2, 4, 8, 16].map(
      (age) => nextCheckAt(created, FAR, age * MIN, MIN) - age * MIN,
    );
    expect(delays).toEqual([1, 2, 4, 8, 16].map((n) => n * MIN));
  });

  it('never waits more than an hour between checks', () => {
    expect(nextCheckAt(0, FAR, 10 * 3600_000, MIN) - 10 * 3600_000).toBe(MAX_CHECK_DELAY_MS);
  });

  it('falls due shortly after the expiry when that comes first', () => {
    expect(nextCheckAt(0, 90 * MIN, 64 * MIN, MIN)).toBe(90 * MIN + 5_000);
  });
});

describe('the reconciliation budget', () => {
  const hour = 3_600_000;

  it('allows share × limit per hour, spread: a small burst at the start of the window', () => {
    const budget = createUpstreamBudget({ share: 0.5 });
    budget.observe({ limit: 200, remaining: 200 }, 0);
    expect(budget.capAt(0)).toBe(5);
    expect(budget.capAt(hour / 2)).toBe(55);
    expect(budget.capAt(hour - 1)).toBe(100);
  });

  it('assumes 100 requests an hour until the upstream says otherwise', () => {
    expect(createUpstreamBudget({ share: 1 }).capAt(hour - 1)).toBe(100);
  });

  it('stops when X-RateLimit-Remaining leaves only the part kept for callbacks', () => {
    const budget = createUpstreamBudget({ share: 0.25 });
    budget.observe({ limit: 100, remaining: 76 }, 0);
    expect(budget.reserveReached(0)).toBe(false);
    budget.observe({ limit: 100, remaining: 75 }, 0);
    expect(budget.reserveReached(0)).toBe(true);
    // A minute later that figure is stale (the window may have reset): one request refreshes it.
    expect(budget.reserveReached(61_000)).toBe(false);
  });
});
