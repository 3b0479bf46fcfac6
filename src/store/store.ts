// What the service keeps: the onboarding store, the webhook queue, the events feed, the onboardings'
// histories, the reconciliation schedule, the open-link index, and the Storage object that holds them
// all on one connection (Redis, Redis Cluster, or memory).

export type OnboardingStatus = 'pending' | 'completed' | 'expired' | 'cancelled';
export type CompletedVia = 'callback' | 'reconciliation';
/** When the upstream link is made: at creation ("now") or when the customer opens the start link. */
export type CreateLinkMode = 'now' | 'on_open';
/** A link's status as the upstream spells it. */
export type UpstreamLinkStatus = 'OPEN' | 'CLOSED' | 'EXPIRED';

/** One upstream link of an onboarding; an onboarding may have several over its life (invitations). */
export interface OnboardingLink {
  link_id: string;
  status: UpstreamLinkStatus;
  created_time: string;
  expiry_time: string;
  login_url: string;
  /** Hex SHA-256 of the state in this link's redirect_url. */
  state_hash: string;
  /** When a customer was last sent to it (POST /start), or null. */
  sent_time: string | null;
  /**
   * Set when the receiver closed it to free a slot while its customer may still be signing in: the
   * upstream lets a started attempt finish after a close, so such a link is still read until it ends.
   */
  recycled_time: string | null;
  /**
   * The start token when this link was made, sealed under a key derived from this link's state (which
   * Redis holds only hashed): a failed callback on this link can offer Try again. Absent on older links.
   */
  start_token_sealed?: string | null;
  /** The web app that opened the customer's window through the SDK (one of RETURN_URL_ORIGINS). */
  opener_origin?: string | null;
}

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
  create_link: CreateLinkMode;
  /** The newest link until completion, then the link the login came from; null before any link. */
  link_id: string | null;
  /** The newest link's login_url; null before any link. */
  login_url: string | null;
  /** Every upstream link, newest first. */
  links: OnboardingLink[];
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
  /** Hex SHA-256 of the link's redirect_verifier, set at completion: a reload is verified without the upstream. */
  verifier_hash: string | null;
  /** Hex SHA-256 of the start token's secret; the token itself is never stored. */
  start_token_hash: string | null;
  /** The start token sealed under a key derived from the creation's Idempotency-Key (for its replay). */
  start_token_sealed: string | null;
  /** Until when (ms since the epoch) one instance is creating an upstream link for it; null when none. */
  link_lock_until: number | null;
  /** Bumped by every updateOnboarding: the compare-and-set revision. */
  rev: number;
  /** The events its changes raised (completion, expiry), oldest first. */
  events: EventRef[];
}

/** What invitations change on a stored onboarding (never its status or login fields). */
export type OnboardingChanges = Partial<
  Pick<
    OnboardingRecord,
    | 'links'
    | 'link_id'
    | 'login_url'
    | 'ds_name'
    | 'start_token_hash'
    | 'start_token_sealed'
    | 'link_lock_until'
  >
>;

export type UpdateResult =
  | { outcome: 'updated'; record: OnboardingRecord }
  /** The record changed since it was read (its rev moved): read it again and decide again. */
  | { outcome: 'conflict' }
  /** Only with pendingOnly: the onboarding is no longer pending; nothing changed. */
  | { outcome: 'not_pending'; record: OnboardingRecord }
  | { outcome: 'not_found' };

export interface Completion {
  link_id: string;
  login_id: string;
  login_username: string | null;
  login_time: string | null;
  user_id: string | null;
  completed_time: string;
  completed_via: CompletedVia;
  verifier_hash: string;
}

/** A webhook event with its body: what the delivery queue takes (and what the previous release kept in an outbox). */
export interface OutboxEvent {
  webhook_id: string;
  /** The exact JSON body to be POSTed. */
  body: string;
}

export type EventType = 'login.completed' | 'onboarding.expired';

/**
 * An event an onboarding change raised, written on the record in the same atomic step. Its body is
 * built from the record's own fields (src/webhooks/events.ts), so it is stored nowhere else.
 */
export interface EventRef {
  /** `msg_…`: the webhook-id of every delivery of it and its id in the events feed. */
  webhook_id: string;
  type: EventType;
  /** When it was raised (ISO 8601): the body's timestamp. */
  time: string;
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

export type ExpireResult =
  | { outcome: 'expired'; record: OnboardingRecord }
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

export interface OnboardingStore {
  /**
   * Stores a new pending onboarding; it is kept until `pendingTtlSeconds` from now. Its history starts
   * with `created` and a `link_created` for each link it has.
   */
  createOnboarding(record: OnboardingRecord, pendingTtlSeconds: number): Promise<void>;
  getOnboarding(onboardingId: string): Promise<OnboardingRecord | null>;
  /** Newest first. */
  listOnboardings(query: ListQuery): Promise<ListPage>;
  /**
   * The one atomic step that completes a pending onboarding: checks it is pending and that
   * `completion.link_id` is one of its links, sets the login fields, status and link_id (the link
   * the login came from), adds the event (if any) to its events and `completed` to its history, clears
   * last_error, and re-sets the TTL to `completedTtlSeconds`. Exactly one concurrent caller gets 'completed'; a call for the link it
   * was completed by gets 'already_completed'.
   */
  completeOnboarding(
    onboardingId: string,
    completion: Completion,
    event: EventRef | null,
    completedTtlSeconds: number,
  ): Promise<CompleteResult>;
  /**
   * Compare-and-set: applies `changes` if the record's rev is still `expectedRev` (and, with
   * pendingOnly, it is still pending), bumping rev. A null in `changes` removes the field.
   */
  updateOnboarding(
    onboardingId: string,
    expectedRev: number,
    changes: OnboardingChanges,
    pendingOnly: boolean,
  ): Promise<UpdateResult>;
  /**
   * Sets last_error on a pending onboarding (on any other, nothing), and adds `callback_failed` to the
   * history of any onboarding that exists.
   */
  recordFailure(onboardingId: string, error: LastError): Promise<void>;
  /** Pending → cancelled, atomically, with `cancelled` in its history. */
  cancelOnboarding(onboardingId: string, time: string, ttlSeconds: number): Promise<CancelResult>;
  /**
   * Pending → expired, atomically with its event (if any) and `expired` in its history; re-sets the
   * TTL to ttlSeconds.
   * Exactly one concurrent caller gets 'expired'.
   */
  expireOnboarding(
    onboardingId: string,
    time: string,
    event: EventRef | null,
    ttlSeconds: number,
  ): Promise<ExpireResult>;
  /** Claims an Idempotency-Key for an onboarding about to be created, or returns the first claim. */
  claimIdempotencyKey(claim: IdempotencyClaim): Promise<IdempotencyResult>;
  /** Drops a claim whose creation failed, so a retry can create. Only if it still names onboardingId. */
  releaseIdempotencyKey(key: string, onboardingId: string): Promise<void>;
  /**
   * The outbox the previous release wrote with a completion or expiry (this one writes EventRefs on
   * the record instead), oldest first: what a record of that release still has to relay.
   */
  readOutbox(onboardingId: string): Promise<OutboxEvent[]>;
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

export interface WebhookQueueStats {
  /** Webhooks waiting or in flight (not dead). */
  depth: number;
  /** Age of the oldest queued webhook (ms), or null when empty. */
  oldestAgeMs: number | null;
  deadLetters: number;
}

/**
 * The webhook delivery queue, shared by every instance. An event is written on its onboarding's record
 * atomically with the change that raised it (completion or expiry) and enqueued right after it; a
 * crash between the two is covered by the onboarding's reconciliation check, which relays the record's
 * events later (src/onboarding/outbox-relay.ts).
 */
export interface WebhookQueue {
  /**
   * Enqueues onboardingId's events due now, skipping any already queued, dead or delivered.
   * Idempotent.
   */
  enqueueWebhooks(onboardingId: string, events: OutboxEvent[], nowMs: number): Promise<void>;
  /** Leases up to `max` due webhooks until nowMs + leaseMs (another instance takes them after that). */
  claimDue(nowMs: number, leaseMs: number, max: number): Promise<QueuedWebhook[]>;
  /**
   * Delivered: removes it from the queue and remembers it as delivered (so a relay never re-adds it).
   * `attempt` (the one that delivered it) goes to its event's deliveries when the feed recorded it.
   */
  ackWebhook(webhookId: string, nowMs: number, attempt?: DeliveryAttempt): Promise<void>;
  /** Failed, to retry at atMs, with its attempt count and last error (and the attempt, as above). */
  rescheduleWebhook(
    webhookId: string,
    atMs: number,
    attempts: number,
    lastError: string,
    attempt?: DeliveryAttempt,
  ): Promise<void>;
  /** Gives up: moves it to dead letters (and the last attempt to its deliveries, as above). */
  deadLetterWebhook(
    webhookId: string,
    attempts: number,
    lastError: string,
    nowMs: number,
    attempt?: DeliveryAttempt,
  ): Promise<void>;
  /**
   * Makes a leased webhook due at atMs again (shutdown hands unfinished work to other instances).
   * Does nothing if it is no longer queued.
   */
  releaseLease(webhookId: string, atMs: number): Promise<void>;
  /** Newest first. */
  listDeadLetters(
    limit: number,
    cursor?: string,
  ): Promise<{ items: DeadLetter[]; nextCursor: string | null }>;
  /** Puts a dead letter back in the queue, due now, attempts reset to 0. False if unknown. */
  redeliverDeadLetter(webhookId: string, nowMs: number): Promise<boolean>;
  stats(nowMs: number): Promise<WebhookQueueStats>;
}

/** One line of an onboarding's history (GET /v1/onboardings/{id}/history), `time` in ISO 8601. */
export type HistoryEntry =
  | { type: 'created' | 'start_opened' | 'expired' | 'cancelled'; time: string }
  | { type: 'link_created' | 'link_closed'; time: string; link_id: string }
  | { type: 'callback_failed'; time: string; code: string }
  | { type: 'completed'; time: string; completed_via: CompletedVia; link_id: string }
  | { type: 'webhook_delivered'; time: string; webhook_id: string; status: number }
  | {
      type: 'webhook_failed';
      time: string;
      webhook_id: string;
      /** The receiver's status; null when no answer came (then `error` says why). */
      status: number | null;
      error: string | null;
    };

export interface History {
  /** Oldest first: the first entry and the newest (HISTORY_MAX in all). */
  entries: HistoryEntry[];
  /** How many entries were left out between the first and the newest. */
  omitted: number;
}

/**
 * What happened to each onboarding, for a support engineer. It lives and expires with the onboarding's
 * record; the onboarding store adds the entries of its own changes (created, link_created for a link
 * made at creation, completed, callback_failed, expired, cancelled) in the same atomic step as the
 * change, and everyone else appends here. Bounded: the first entry and the newest, HISTORY_MAX in all.
 */
export interface OnboardingHistory {
  /** Appends entries, oldest first, if the onboarding exists (never re-creating one); false if not. */
  append(onboardingId: string, entries: HistoryEntry[]): Promise<boolean>;
  /** Null when the onboarding does not exist. */
  read(onboardingId: string): Promise<History | null>;
}

/** One delivery attempt of a webhook: the receiver's HTTP status, or why no answer came. */
export interface DeliveryAttempt {
  /** When it started (ms since the epoch). */
  atMs: number;
  /** The receiver's HTTP status; null when no answer came. */
  status: number | null;
  /** Why no answer came ("timeout", "network error ECONNREFUSED"); null when one came. */
  error: string | null;
  durationMs: number;
}

/** Where a recorded event's delivery stands: queued (or never sent: no WEBHOOK_URL), delivered, dead. */
export type DeliveryState = 'pending' | 'delivered' | 'dead';

/** An event to record in the feed (and, when delivering, to queue). */
export interface NewFeedEvent {
  webhook_id: string;
  onboarding_id: string;
  type: EventType;
  /** The exact body: queued with the event when it is delivered. */
  body: string;
  /**
   * Also kept in the feed: only for an outbox event of the previous release, whose record may not
   * rebuild the same bytes. Every other body is built from the onboarding's record when read.
   */
  keepBody: boolean;
}

/** One event of the feed. */
export interface FeedEntry {
  /** Its place in the feed (`<ms>-<n>`): reading after it returns every event recorded later. */
  position: string;
  webhook_id: string;
  onboarding_id: string;
  type: EventType;
  /** When it was recorded (ms since the epoch): what replay ranges select by. */
  recordedAtMs: number;
  /** A kept body (NewFeedEvent.keepBody); null: build it from the onboarding's record. */
  body: string | null;
}

/** A recorded event with its delivery: what GET /v1/webhooks/{webhook_id} shows. */
export interface EventDeliveries {
  entry: FeedEntry;
  state: DeliveryState;
  /** Oldest first. */
  attempts: DeliveryAttempt[];
}

export interface FeedQuery {
  /** Only events after this position (exclusive). */
  after?: string;
  /** Only events recorded at or after this time (ms). */
  fromMs?: number;
  /** Only events recorded at or before this time (ms). */
  toMs?: number;
  /** 1 to 1000. */
  limit: number;
}

/** A recorded event to queue again, with the body to POST. */
export interface RequeuedEvent {
  webhook_id: string;
  onboarding_id: string;
  body: string;
}

/**
 * The events feed and each event's deliveries, shared by every instance; it lives beside the webhook
 * queue (one `{webhooks}` slot in Redis), so recording an event and queueing it are one step. Every
 * event gets its place in the feed in the same step that records it, from one sequence: a reader
 * that has read up to a position sees every event recorded later after it, whichever instance
 * recorded it. Events and their deliveries are kept 30 days (FEED_RETENTION_MS).
 */
export interface EventLog {
  /**
   * Records each event the feed does not hold yet (by webhook_id) at its end, and with `deliver`
   * queues it, due now, in the same step. Idempotent: resolves to how many were new.
   */
  record(events: NewFeedEvent[], nowMs: number, deliver: boolean): Promise<number>;
  /** Feed entries in feed order. */
  read(query: FeedQuery): Promise<FeedEntry[]>;
  /** The newest position, or null when the feed is empty. */
  lastPosition(): Promise<string | null>;
  /** The event and its deliveries; null when the feed does not hold it (or no longer). */
  find(webhookId: string): Promise<EventDeliveries | null>;
  /** Taken before a replay reads the feed: what it queues is then never queued twice by replays. */
  replayMark(): Promise<number>;
  /**
   * Queues these recorded events again, due now (a dead one leaves the dead letters), skipping any
   * still in the queue and any queued since `mark` was taken (so replays racing on two instances
   * queue each once). Resolves to how many were queued.
   */
  requeue(events: RequeuedEvent[], mark: number, nowMs: number): Promise<number>;
}

/**
 * When each pending onboarding's link is next checked upstream (reconciliation), shared by every
 * instance, with the shared upstream budget and pause. A claimed check is leased: it falls due again
 * after the lease unless rescheduled or dropped, so a crashed instance loses nothing.
 */
export interface ReconcileSchedule {
  /** Schedules (or moves) the onboarding's next check to atMs. */
  scheduleCheck(onboardingId: string, atMs: number): Promise<void>;
  /** Leases up to `max` checks due at nowMs until nowMs + leaseMs; earliest due first. */
  claimDueChecks(nowMs: number, leaseMs: number, max: number): Promise<string[]>;
  dropCheck(onboardingId: string): Promise<void>;
  countChecks(): Promise<number>;
  /** Up to `max` scheduled onboarding ids, earliest due first. */
  listChecks(max: number): Promise<string[]>;
  /**
   * Spends one upstream request from the hourly window starting at windowStartMs, unless `cap` are
   * already spent in it. True when it was spent.
   */
  spendReconcileBudget(windowStartMs: number, cap: number): Promise<boolean>;
  /** Pauses reconciliation's upstream requests until untilMs (a later pause already set wins). */
  pauseUpstream(untilMs: number): Promise<void>;
  /** Until when upstream requests are paused (ms since the epoch); 0 when they are not. */
  upstreamPausedUntil(): Promise<number>;
}

/** One of our upstream links in the open-link index. */
export interface OpenLinkEntry {
  onboardingId: string;
  linkId: string;
  /** When a customer was last sent to it (ms since the epoch). */
  sentMs: number;
}

/**
 * The receiver's OPEN upstream links, shared by every instance, ordered by when a customer was last
 * sent to each: at the link limit, the one sent longest ago may be recycled (closed to free a slot).
 */
export interface OpenLinkIndex {
  /** Adds the link, or moves it to sentMs. */
  track(onboardingId: string, linkId: string, sentMs: number): Promise<void>;
  /** Forgets links that are no longer OPEN (closed, expired, their onboarding ended). */
  untrack(links: { onboardingId: string; linkId: string }[]): Promise<void>;
  /** Up to `max` links, sent longest ago first. */
  oldest(max: number): Promise<OpenLinkEntry[]>;
  /**
   * Takes the link out of the index if it is there with sentMs <= notAfterMs. Exactly one concurrent
   * caller gets true: that one closes it.
   */
  claimForRecycle(onboardingId: string, linkId: string, notAfterMs: number): Promise<boolean>;
  count(): Promise<number>;
  /**
   * Notes that the upstream answered LINK_LIMIT_EXCEEDED: until untilMs, waiting customers are not
   * sent upstream again (each try costs the hourly budget). Forgotten as soon as a link leaves the
   * index (a slot may be free), and after two minutes whatever untilMs says.
   */
  markFull(untilMs: number): Promise<void>;
  /** Until when the upstream is known to be full (ms since the epoch); 0 when it is not. */
  fullUntil(): Promise<number>;
}

/**
 * Everything the service keeps, built by one factory (src/store/storage.ts) on one connection. Each
 * part is passed on under its own name: `onboardings`, `webhookQueue`, `events`, `history`,
 * `reconcileSchedule`, `openLinks`.
 */
export interface Storage {
  onboardings: OnboardingStore;
  webhookQueue: WebhookQueue;
  events: EventLog;
  history: OnboardingHistory;
  reconcileSchedule: ReconcileSchedule;
  openLinks: OpenLinkIndex;
  /** Resolves when the backing store answers; rejects otherwise (readiness). */
  ping(): Promise<void>;
  /** Closes the connection if the storage opened it. */
  close(): Promise<void>;
}
