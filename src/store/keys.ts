// Redis key names: one prefix, and a hash tag per onboarding so all of an onboarding's keys share a slot.
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
  /** LIST: webhook events the previous release wrote with a completion or expiry, oldest first. */
  outbox(onboardingId: string): string;
  /** ZSET: every onboarding id, scored by created_time in ms (a slot of its own). */
  index(): string;
  /** STRING: an Idempotency-Key claim (a slot of its own). */
  idempotency(key: string): string;
  /**
   * The webhook queue's and the events feed's keys: all under one `{webhooks}` hash tag, so every
   * queue and feed script is one slot.
   */
  webhooks(): WebhookQueueKeys;
  /** The reconciliation schedule's keys: all under one `{reconcile}` hash tag (one slot). */
  reconcile(): ReconcileKeys;
  /** ZSET: the receiver's OPEN links as `<onboardingId> <linkId>`, scored by sentMs (a `{links}` slot). */
  openLinks(): string;
}

export interface ReconcileKeys {
  /** ZSET: onboarding ids scored by when their next check is due (ms). */
  due: string;
  /** STRING: upstream requests spent by reconciliation in the hourly window starting at windowStartMs. */
  budget(windowStartMs: number): string;
  /** STRING: ms until which reconciliation sends no upstream request (set on a 429). */
  pausedUntil: string;
}

export interface WebhookQueueKeys {
  /** ZSET: queued webhooks (`w:<webhook_id>`), scored by the time in ms they are due (or their lease ends). */
  due: string;
  /** HASH: webhook_id → the queued webhook's immutable entry (see webhook-queue-codec.ts). */
  events: string;
  /** HASH: webhook_id → its attempts and last error, queued or dead; absent means none yet. */
  attempts: string;
  /** ZSET: queued webhook_id, scored by enqueued_at: the oldest queued one for stats. */
  enqueued: string;
  /** ZSET: dead webhook_id, scored by dead_at. */
  dead: string;
  /** HASH: webhook_id → a dead webhook's immutable entry. */
  deadEvents: string;
  /** ZSET: delivered webhook_id, scored by delivery time, kept a week so a relay never re-adds one. */
  delivered: string;
  /** STREAM: the events feed, one entry per event (`w` webhook_id, `o` onboarding, `t` type). */
  feed: string;
  /** HASH: webhook_id → its feed position, delivery state and attempts (see event-log-codec.ts). */
  log: string;
  /** STRING: counts queueings of recorded events, so a replay can tell what was queued since it began. */
  queued: string;
}

export function storeKeys(prefix: string = DEFAULT_PREFIX): StoreKeys {
  checkKeyPart('key prefix', prefix);
  const tagged = (id: string) => `${prefix}:{${checkKeyPart('onboarding id', id)}}`;
  return {
    record: (id) => `${tagged(id)}:onb`,
    outbox: (id) => `${tagged(id)}:outbox`,
    index: () => `${prefix}:onboardings`,
    idempotency: (key) => `${prefix}:idem:${checkKeyPart('idempotency key', key)}`,
    webhooks: () => webhookQueueKeys(`${prefix}:{webhooks}`),
    reconcile: () => reconcileKeys(`${prefix}:{reconcile}`),
    openLinks: () => `${prefix}:{links}:open`,
  };
}

function reconcileKeys(base: string): ReconcileKeys {
  return {
    due: `${base}:due`,
    budget: (windowStartMs) => `${base}:budget:${windowStartMs}`,
    pausedUntil: `${base}:paused-until`,
  };
}

function webhookQueueKeys(base: string): WebhookQueueKeys {
  return {
    due: `${base}:due`,
    events: `${base}:events`,
    attempts: `${base}:attempts`,
    enqueued: `${base}:enqueued`,
    dead: `${base}:dead`,
    deadEvents: `${base}:dead-events`,
    delivered: `${base}:delivered`,
    feed: `${base}:feed`,
    log: `${base}:log`,
    queued: `${base}:queued`,
  };
}
