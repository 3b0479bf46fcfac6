// The list cursor: the (created-time score, id) of the last entry a page consumed, as opaque base64url.
import { InvalidCursorError } from './errors';
import { checkKeyPart } from './keys';

export interface IndexPosition {
  /** created_time in ms: the index score. */
  score: number;
  onboardingId: string;
}

const BASE64URL = /^[A-Za-z0-9_-]{1,400}$/;

export function encodeCursor(position: IndexPosition): string {
  return Buffer.from(JSON.stringify({ s: position.score, i: position.onboardingId })).toString(
    'base64url',
  );
}

/** Throws InvalidCursorError for anything encodeCursor did not produce. */
export function decodeCursor(cursor: string): IndexPosition {
  if (typeof cursor !== 'string' || !BASE64URL.test(cursor)) throw new InvalidCursorError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError();
  const { s, i } = parsed as { s?: unknown; i?: unknown };
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || typeof i !== 'string') {
    throw new InvalidCursorError();
  }
  try {
    checkKeyPart('onboarding id', i);
  } catch {
    throw new InvalidCursorError();
  }
  return { score: s, onboardingId: i };
}

/** Index order, newest first: score descending, then id descending (as ZREVRANGEBYSCORE returns ties). */
export function comesAfter(entry: IndexPosition, position: IndexPosition): boolean {
  return (
    entry.score < position.score ||
    (entry.score === position.score && entry.onboardingId < position.onboardingId)
  );
}

export function compareNewestFirst(a: IndexPosition, b: IndexPosition): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.onboardingId === b.onboardingId) return 0;
  return a.onboardingId < b.onboardingId ? 1 : -1;
}

/** The index score of a record: its created_time in ms. */
export function createdScore(createdTime: string): number {
  const ms = Date.parse(createdTime);
  if (!Number.isSafeInteger(ms)) throw new RangeError(`created_time is not a valid time.`);
  return ms;
}
