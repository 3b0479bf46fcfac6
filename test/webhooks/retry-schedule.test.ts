// The webhook retry schedule: at least 24 hours, growing delays with jitter, Retry-After, a last step.
import { DEFAULT_RETRY_DELAYS_MS, nextRetry } from '../../src/webhooks/retry-schedule';

describe('webhook retry schedule', () => {
  it('keeps retrying for at least 24 hours even with the shortest jitter', () => {
    const total = DEFAULT_RETRY_DELAYS_MS.reduce(
      (sum, d) => sum + nextRetry(1, null, [d], () => 0).delayMs,
      0,
    );
    expect(total).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  it('grows the delay from one attempt to the next', () => {
    const delays = DEFAULT_RETRY_DELAYS_MS.map(
      (_, i) => nextRetry(i + 1, null, DEFAULT_RETRY_DELAYS_MS, () => 0.5).delayMs,
    );
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
  });

  it('applies ±20 % jitter', () => {
    expect(nextRetry(1, null, [1000], () => 0).delayMs).toBe(800);
    expect(nextRetry(1, null, [1000], () => 1).delayMs).toBe(1200);
  });

  it('waits for a longer Retry-After, capped at the longest step', () => {
    expect(nextRetry(1, 60, [1000, 5000], () => 0.5).delayMs).toBe(5000);
    expect(nextRetry(1, 2, [1000, 5000], () => 0.5).delayMs).toBe(2000);
    expect(nextRetry(1, 0, [1000], () => 0.5).delayMs).toBe(1000);
  });

  it('stops after the last step', () => {
    expect(nextRetry(DEFAULT_RETRY_DELAYS_MS.length + 1, null).retry).toBe(false);
  });
});
