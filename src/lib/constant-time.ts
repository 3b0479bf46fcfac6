// Constant-time comparison of secrets: both sides are hashed first, so length leaks nothing.
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when a and b are the same string; time depends on neither content nor length. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** True when the presented secret equals any of the known ones; every candidate is compared. */
export function secretInList(presented: string, known: readonly string[]): boolean {
  let found = false;
  for (const candidate of known) found = secretsEqual(presented, candidate) || found;
  return found;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
