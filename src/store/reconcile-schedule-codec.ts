// Argument checks shared by the Redis and in-memory reconciliation schedules, so both refuse the same input.
import { checkKeyPart } from './keys';
import { checkClaimMax, checkLeaseMs, checkTimeMs } from './webhook-queue-codec';

export { checkClaimMax, checkLeaseMs, checkTimeMs };

/** A window's budget counter outlives its hour, so a late reader still sees what was spent. */
export const BUDGET_KEY_TTL_SECONDS = 2 * 60 * 60;

export function checkOnboardingId(onboardingId: string): string {
  return checkKeyPart('onboarding id', onboardingId);
}

export function checkBudgetCap(cap: number): number {
  if (!Number.isSafeInteger(cap) || cap < 0) {
    throw new RangeError('cap must be a whole number, 0 or more.');
  }
  return cap;
}
