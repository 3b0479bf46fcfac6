// How long onboardings are kept in the store, by status.

export const DAY_SECONDS = 86400;
/** Completed and ended onboardings are kept as long as the upstream keeps their links. */
export const RETENTION_SECONDS = 90 * DAY_SECONDS;
/** A pending onboarding outlives its link by this much, so late callbacks still find it. */
export const PENDING_GRACE_SECONDS = DAY_SECONDS;
