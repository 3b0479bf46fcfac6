// When a pending onboarding's link is checked next: the interval at first, then doubling with age.

/** No pending onboarding waits longer than this between checks. */
export const MAX_CHECK_DELAY_MS = 60 * 60 * 1000;
/** A check falls due this long after the link's expiry_time, so the expiry is noticed promptly. */
export const EXPIRY_MARGIN_MS = 5_000;
/** After a transient upstream failure the check comes back this soon (capped by the interval). */
export const RETRY_SOON_MS = 30_000;

/**
 * Checks fall due at about interval, 2×, 4×, 8× … the interval of age (capped at one hour apart),
 * but never later than the expiry plus a small margin while that is still ahead.
 */
export function nextCheckAt(
  createdMs: number,
  expiryMs: number,
  nowMs: number,
  intervalMs: number,
): number {
  const age = Math.max(0, nowMs - createdMs);
  let delay = Math.max(1, intervalMs);
  while (delay * 2 <= age && delay < MAX_CHECK_DELAY_MS) delay *= 2;
  const at = nowMs + Math.min(delay, MAX_CHECK_DELAY_MS);
  const expiryCheck = expiryMs + EXPIRY_MARGIN_MS;
  return expiryCheck > nowMs ? Math.min(at, expiryCheck) : at;
}

/** After a transient failure: soon, but not sooner than the interval asks for. */
export function retrySoonAt(nowMs: number, intervalMs: number): number {
  return nowMs + Math.min(RETRY_SOON_MS, Math.max(1, intervalMs));
}
