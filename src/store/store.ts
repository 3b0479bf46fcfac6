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
