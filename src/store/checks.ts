// Argument checks every storage implementation applies before touching a key, so Redis and memory
// refuse the same input the same way. Imported as a namespace: `check.ttlSeconds(…)`.
import { checkKeyPart } from './keys';

/** claimDue and claimDueChecks hand out at most this many items per call. */
export const MAX_CLAIM = 1000;

export function onboardingId(id: string): string {
  return checkKeyPart('onboarding id', id);
}

/** An upstream link id, part of an open-link index member (`<onboardingId> <linkId>`). */
export function linkId(id: string): string {
  return checkKeyPart('link id', id);
}

export function webhookId(id: string): string {
  return checkKeyPart('webhook id', id);
}

export function ttlSeconds(name: string, seconds: number): number {
  return wholeNumber(seconds, 1, `${name} must be a positive whole number of seconds.`);
}

export function timeMs(name: string, ms: number): number {
  return wholeNumber(ms, 0, `${name} must be a whole number of milliseconds since the epoch.`);
}

export function leaseMs(ms: number): number {
  return wholeNumber(ms, 1, 'leaseMs must be a positive whole number of milliseconds.');
}

export function claimMax(max: number): number {
  return wholeNumber(max, 1, `max must be an integer from 1 to ${MAX_CLAIM}.`, MAX_CLAIM);
}

export function attempts(count: number): number {
  return wholeNumber(count, 0, 'attempts must be a whole number, 0 or more.');
}

/** A replay's queueing mark (EventLog.replayMark). */
export function replayMark(mark: number): number {
  return wholeNumber(mark, 0, 'mark must be a whole number, 0 or more.');
}

export function budgetCap(cap: number): number {
  return wholeNumber(cap, 0, 'cap must be a whole number, 0 or more.');
}

/** A compare-and-set revision: 0 for a record never updated. */
export function revision(rev: number): number {
  return wholeNumber(rev, 0, 'expectedRev must be a whole number, 0 or more.');
}

/** How many feed entries one read returns at most. */
export const MAX_READ = 1000;

export function readLimit(limit: number): number {
  return wholeNumber(limit, 1, `limit must be an integer from 1 to ${MAX_READ}.`, MAX_READ);
}

export function listLimit(limit: number): number {
  return wholeNumber(limit, 1, 'limit must be an integer from 1 to 100.', 100);
}

/** The value if it is a safe integer from min to max; a RangeError with this message otherwise. */
function wholeNumber(
  value: number,
  min: number,
  message: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(message);
  return value;
}
