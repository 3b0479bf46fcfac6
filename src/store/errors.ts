// The store's own errors: unreachable, a bad cursor, an unsafe key part, a duplicate id, a corrupt record.

/** A store call failed (Redis unreachable, a timeout, any unexpected failure); `cause` says why. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  override readonly name = 'StoreUnavailableError';

  constructor(cause: unknown) {
    super('The store did not answer.', { cause });
  }
}

/** A `cursor` that this store did not issue or that is malformed. */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  override readonly name = 'InvalidCursorError';

  constructor(message = 'The cursor is not valid.') {
    super(message);
  }
}

/** An onboarding id, idempotency key or prefix that would not make a safe Redis key. */
export class InvalidKeyError extends Error {
  readonly code = 'INVALID_KEY';
  override readonly name = 'InvalidKeyError';
}

/** createOnboarding was given an id that is already stored: ids are random, so this is a bug. */
export class DuplicateOnboardingError extends Error {
  readonly code = 'DUPLICATE_ONBOARDING';
  override readonly name = 'DuplicateOnboardingError';

  constructor(onboardingId: string) {
    super(`Onboarding ${onboardingId} already exists.`);
  }
}

/** A stored record that cannot be decoded (a required field is missing or a JSON field is broken). */
export class CorruptRecordError extends Error {
  readonly code = 'CORRUPT_RECORD';
  override readonly name = 'CorruptRecordError';
}
