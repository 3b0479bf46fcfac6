// Reconciliation's share of the upstream's hourly request budget: learnt from X-RateLimit-*, spread over the hour.
import type { RateLimitInfo } from '../supermetrics/types';

export const WINDOW_MS = 60 * 60 * 1000;
/** Assumed X-RateLimit-Limit until the upstream has sent one: the API reference's example, 100 an hour. */
export const ASSUMED_HOURLY_LIMIT = 100;
/** Share of the hour's allowance usable at once at the start of a window, so a backlog is not stalled. */
const BURST_FRACTION = 0.05;
/** An X-RateLimit-Remaining older than this no longer stops reconciliation (the window may have reset). */
const REMAINING_FRESH_MS = 60_000;

export interface UpstreamBudget {
  /** Records the rate-limit headers of any upstream answer. */
  observe(rateLimit: RateLimitInfo, nowMs: number): void;
  /** Start of the (epoch-aligned) hourly window nowMs falls in: the shared counter's key. */
  windowStart(nowMs: number): number;
  /** How many reconciliation requests the window may have spent by nowMs. */
  capAt(nowMs: number): number;
  /** True when the last X-RateLimit-Remaining leaves no more than what callbacks need. */
  reserveReached(nowMs: number): boolean;
  readonly hourlyLimit: number;
}

export function createUpstreamBudget(options: {
  share: number;
  assumedHourlyLimit?: number;
}): UpstreamBudget {
  const { share } = options;
  if (!(share > 0 && share <= 1)) throw new RangeError('share must be above 0 and at most 1');
  let limit = options.assumedHourlyLimit ?? ASSUMED_HOURLY_LIMIT;
  let remaining: number | null = null;
  let remainingSeenAt = 0;

  return {
    get hourlyLimit() {
      return limit;
    },
    observe(rateLimit, nowMs) {
      if (rateLimit.limit !== null && rateLimit.limit > 0) limit = rateLimit.limit;
      if (rateLimit.remaining !== null) {
        remaining = rateLimit.remaining;
        remainingSeenAt = nowMs;
      }
    },
    windowStart(nowMs) {
      return Math.floor(nowMs / WINDOW_MS) * WINDOW_MS;
    },
    capAt(nowMs) {
      const elapsed = (nowMs - Math.floor(nowMs / WINDOW_MS) * WINDOW_MS) / WINDOW_MS;
      // The epsilon keeps float noise (0.1 × 30 = 3.0000000000000004) from granting one extra.
      return Math.ceil(share * limit * Math.min(1, elapsed + BURST_FRACTION) - 1e-9);
    },
    reserveReached(nowMs) {
      if (remaining === null || nowMs - remainingSeenAt > REMAINING_FRESH_MS) return false;
      return remaining <= (1 - share) * limit;
    },
  };
}
