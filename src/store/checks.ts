// Argument checks every storage implementation applies before touching a key, so Redis and memory
// refuse the same input the same way. Imported as a namespace: `check.ttlSeconds(…)`.
import { checkKeyPart } from './keys';

/** claimDue and claimDueChecks hand out at most this many items per call. */
export const MAX_CLAIM = 1000;

export function onboardingId(id: string): string {
  return checkKeyPart('onboarding id', id);
}

export function webhookId(id: string): string {
  return checkKeyPart('webhook id', id);
}

export function ttlSeconds(name: string, seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new RangeError(`${name} must be a positive whole number of seconds.`);
  }
  return seconds;
}

export function timeMs(name: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`${name} must be a whole number of milliseconds since the epoch.`);
  }
  return ms;
}

export function leaseMs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 1) {
    throw new RangeError('leaseMs must be a positive whole number of milliseconds.');
  }
  return ms;
}

export function claimMax(max: number): number {
  if (!Number.isInteger(max) || max < 1 || max > MAX_CLAIM) {
    throw new RangeError(`max must be an integer from 1 to ${MAX_CLAIM}.`);
  }
  return max;
}

export function attempts(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError('attempts must be a whole number, 0 or more.');
  }
  return count;
}

export function budgetCap(cap: number): number {
  if (!Number.isSafeInteger(cap) || cap < 0) {
    throw new RangeError('cap must be a whole number, 0 or more.');
  }
  return cap;
}

export function listLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new RangeError('limit must be an integer from 1 to 100.');
  }
  return limit;
}
