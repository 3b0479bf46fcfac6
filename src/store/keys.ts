// Redis key names: one prefix, and a hash tag per onboarding so its record and outbox share a slot.
import { InvalidKeyError } from './errors';

export const DEFAULT_PREFIX = 'llr';

const MAX_PART_LENGTH = 200;
// Braces would move the hash tag (a cluster slot split); whitespace and control characters have no
// business in a key. Callers validate ids already: this is defence in depth.
const UNSAFE_KEY_PART = /[{}\s\p{Cc}]/u;

/** Throws InvalidKeyError unless `part` is safe to embed in a key. Returns it unchanged. */
export function checkKeyPart(kind: string, part: unknown): string {
  if (typeof part !== 'string' || part.length === 0) {
    throw new InvalidKeyError(`The ${kind} must be a non-empty string.`);
  }
  if (part.length > MAX_PART_LENGTH) {
    throw new InvalidKeyError(`The ${kind} is longer than ${MAX_PART_LENGTH} characters.`);
  }
  if (UNSAFE_KEY_PART.test(part)) {
    throw new InvalidKeyError(`The ${kind} contains a brace, whitespace or a control character.`);
  }
  return part;
}

export interface StoreKeys {
  /** HASH: the onboarding record. */
  record(onboardingId: string): string;
  /** LIST: webhook events written by the completion, oldest first. */
  outbox(onboardingId: string): string;
  /** ZSET: every onboarding id, scored by created_time in ms (a slot of its own). */
  index(): string;
  /** STRING: an Idempotency-Key claim (a slot of its own). */
  idempotency(key: string): string;
}

export function storeKeys(prefix: string = DEFAULT_PREFIX): StoreKeys {
  checkKeyPart('key prefix', prefix);
  const tagged = (id: string) => `${prefix}:{${checkKeyPart('onboarding id', id)}}`;
  return {
    record: (id) => `${tagged(id)}:onb`,
    outbox: (id) => `${tagged(id)}:outbox`,
    index: () => `${prefix}:onboardings`,
    idempotency: (key) => `${prefix}:idem:${checkKeyPart('idempotency key', key)}`,
  };
}
