// The Store interface: onboarding state, shared by the Redis store and the sandbox's in-memory store.

export type OnboardingStatus = 'pending' | 'completed' | 'expired' | 'cancelled';
export type CompletedVia = 'callback' | 'reconciliation';

export interface LastError {
  code: string;
  message: string;
  time: string;
}

/** What the store keeps for one onboarding. `state_hash` is the only trace of the state. */
export interface OnboardingRecord {
  onboarding_id: string;
  status: OnboardingStatus;
  ds_id: string;
  ds_name: string;
  link_id: string;
  login_url: string;
  description: string;
  require_username: string | null;
  return_url: string | null;
  metadata: Record<string, unknown> | null;
  created_time: string;
  expiry_time: string;
  completed_time: string | null;
  login_id: string | null;
  login_username: string | null;
  login_time: string | null;
  user_id: string | null;
  completed_via: CompletedVia | null;
  last_error: LastError | null;
  /** Hex SHA-256 of the state. The state itself is never stored. */
  state_hash: string;
}

export interface Completion {
  link_id: string;
  login_id: string;
  login_username: string | null;
  login_time: string | null;
  user_id: string | null;
  completed_time: string;
  completed_via: CompletedVia;
}

/** A webhook event written in the same atomic step as the status change (the outbox). */
export interface OutboxEvent {
  webhook_id: string;
  /** The exact JSON body to be POSTed. */
  body: string;
}

export type CompleteResult =
  /** This call completed it. */
  | { outcome: 'completed'; record: OnboardingRecord }
  /** It was already completed by the same link: the caller shows success again, sends nothing. */
  | { outcome: 'already_completed'; record: OnboardingRecord }
  /** Not pending (completed by another link, expired, cancelled): nothing changed. */
  | { outcome: 'not_pending'; record: OnboardingRecord }
  | { outcome: 'not_found' };

export type CancelResult =
  | { outcome: 'cancelled'; record: OnboardingRecord }
  | { outcome: 'not_pending'; record: OnboardingRecord }
  | { outcome: 'not_found' };

export interface ListQuery {
  status?: OnboardingStatus;
  /** 1..100 */
  limit: number;
  /** Opaque, from a previous page's nextCursor. */
  cursor?: string;
}

export interface ListPage {
  items: OnboardingRecord[];
  nextCursor: string | null;
}

export interface IdempotencyClaim {
  /** Caller-scoped key (already hashed by the caller). */
  key: string;
  /** Hash of the request body, to tell a retry from a different request under the same key. */
  fingerprint: string;
  onboardingId: string;
  ttlSeconds: number;
}

export type IdempotencyResult =
  { outcome: 'claimed' } | { outcome: 'exists'; onboardingId: string; fingerprint: string };

export interface Store {
  /** Stores a new pending onboarding; it is kept until `pendingTtlSeconds` from now. */
  createOnboarding(record: OnboardingRecord, pendingTtlSeconds: number): Promise<void>;
  getOnboarding(onboardingId: string): Promise<OnboardingRecord | null>;
  /** Newest first. */
  listOnboardings(query: ListQuery): Promise<ListPage>;
  /**
   * The one atomic step that completes a pending onboarding: checks it is pending and bound to
   * `completion.link_id`, sets the login fields and status, writes the outbox event (if any),
   * clears last_error, and re-sets the TTL to `completedTtlSeconds`. Exactly one concurrent
   * caller gets 'completed'.
   */
  completeOnboarding(
    onboardingId: string,
    completion: Completion,
    event: OutboxEvent | null,
    completedTtlSeconds: number,
  ): Promise<CompleteResult>;
  /** Sets last_error on a pending onboarding; does nothing to any other. */
  recordFailure(onboardingId: string, error: LastError): Promise<void>;
  /** Pending → cancelled, atomically. */
  cancelOnboarding(onboardingId: string, time: string, ttlSeconds: number): Promise<CancelResult>;
  /** Claims an Idempotency-Key for an onboarding about to be created, or returns the first claim. */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyResult>;
  /** Drops a claim whose creation failed, so a retry can create. Only if it still names onboardingId. */
  releaseIdempotencyKey(key: string, onboardingId: string): Promise<void>;
  /** Outbox events written by completions, oldest first (for the webhook worker and tests). */
  readOutbox(onboardingId: string): Promise<OutboxEvent[]>;
  /** Resolves when the backing store answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A webhook event in the delivery queue. */
export interface QueuedWebhook {
  webhook_id: string;
  onboarding_id: string;
  /** The exact JSON body to POST. */
  body: string;
  /** Delivery attempts made so far. */
  attempts: number;
  /** When it entered the queue (ms since the epoch). */
  enqueued_at: number;
  /** Why the last attempt failed, if it did ("HTTP 500", "timeout", …). */
  last_error: string | null;
}

export interface DeadLetter extends QueuedWebhook {
  /** When it was moved to dead letters (ms since the epoch). */
  dead_at: number;
}

/** What claimDue hands a worker: a webhook to deliver, or an onboarding whose outbox must be relayed. */
export type DueItem =
  { kind: 'webhook'; webhook: QueuedWebhook } | { kind: 'relay'; onboardingId: string };

export interface WebhookQueueStats {
  /** Webhooks waiting or in flight (not dead). */
  depth: number;
  /** Age of the oldest queued webhook (ms), or null when empty. */
  oldestAgeMs: number | null;
  deadLetters: number;
}

/**
 * The webhook delivery queue, shared by every instance. Outbox events are written atomically with
 * the onboarding change (Store.completeOnboarding); a relay marker armed *before* that change makes
 * sure a crash between the change and the enqueue still gets the events relayed later.
 */
export interface WebhookQueue {
  /** Marks that onboardingId may have outbox events to relay; becomes due at atMs unless relayed first. */
  armRelay(onboardingId: string, atMs: number): Promise<void>;
  /**
   * Enqueues events (as written to onboardingId's outbox) due now, skipping any already queued,
   * dead or delivered, and drops the relay marker. Idempotent.
   */
  enqueueWebhooks(onboardingId: string, events: OutboxEvent[], nowMs: number): Promise<void>;
  /** Leases up to `max` due items until nowMs + leaseMs (another instance takes them after that). */
  claimDue(nowMs: number, leaseMs: number, max: number): Promise<DueItem[]>;
  /** Delivered: removes it from the queue and remembers it as delivered (so a relay never re-adds it). */
  ackWebhook(webhookId: string, nowMs: number): Promise<void>;
  /** Failed, to retry at atMs, with its attempt count and last error. */
  rescheduleWebhook(
    webhookId: string,
    atMs: number,
    attempts: number,
    lastError: string,
  ): Promise<void>;
  /** Gives up: moves it to dead letters. */
  deadLetterWebhook(
    webhookId: string,
    attempts: number,
    lastError: string,
    nowMs: number,
  ): Promise<void>;
  /** Makes a leased item due at atMs again (shutdown hands unfinished work to other instances). */
  releaseLease(item: DueItem, atMs: number): Promise<void>;
  /** Newest first. */
  listDeadLetters(
    limit: number,
    cursor?: string,
  ): Promise<{ items: DeadLetter[]; nextCursor: string | null }>;
  /** Puts a dead letter back in the queue, due now, attempts reset to 0. False if unknown. */
  redeliverDeadLetter(webhookId: string, nowMs: number): Promise<boolean>;
  stats(nowMs: number): Promise<WebhookQueueStats>;
}
