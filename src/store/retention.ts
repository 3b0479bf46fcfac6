// How long storage keeps what is not an onboarding record (records carry their own TTLs).

/** Index entries older than this are trimmed: nothing is kept longer (completed records live 90 days). */
export const INDEX_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

/** Delivered ids are remembered this long, so a late relay of the same outbox adds nothing. */
export const DELIVERED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** A reconciliation budget window's counter outlives its hour, so a late reader still sees what was spent. */
export const BUDGET_KEY_TTL_SECONDS = 2 * 60 * 60;

/** The events feed and each event's deliveries are kept this long; replays reach no further back. */
export const FEED_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
