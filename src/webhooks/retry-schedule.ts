// When a failed delivery is tried again: growing delays with jitter, 30 to 45 hours in all (≥ 24 h).

/** Delay before attempt n+1 after n failed attempts (n = 1 … 12); 13 attempts in all. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5_000, // 5 s
  30_000, // 30 s
  120_000, // 2 min
  600_000, // 10 min
  1_800_000, // 30 min
  3_600_000, // 1 h
  7_200_000, // 2 h
  14_400_000, // 4 h
  21_600_000, // 6 h
  28_800_000, // 8 h
  28_800_000, // 8 h
  28_800_000, // 8 h  → 37.7 h after the first attempt (30 h at the least with jitter)
];

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
}

/**
 * After `attempts` failed attempts: retry after the schedule's delay ±20 % jitter, or after the
 * receiver's Retry-After if that is longer (capped at the schedule's longest step).
 */
export function nextRetry(
  attempts: number,
  retryAfterSeconds: number | null,
  delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
  random: () => number = Math.random,
): RetryDecision {
  const base = delays[attempts - 1];
  if (base === undefined) return { retry: false, delayMs: 0 };
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  const longest = Math.max(...delays);
  const asked = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds * 1000, longest);
  return { retry: true, delayMs: Math.max(jittered, asked) };
}
