// The "Try again" link of a failed callback: the onboarding's start link, recovered from the copy sealed
// on the link the state belongs to (only the callback's state opens it; Redis holds the state only hashed).
import {
  openStartToken,
  parseStartToken,
  startTokenMatches,
  startUrlOf,
} from '../onboarding/start-token';
import { stateHashOf } from '../onboarding/state';
import type { OnboardingRecord } from '../store/store';

/**
 * The start URL to try again from, or null: the onboarding is no longer pending, its link carries no
 * sealed token (made before this existed), or the start link was re-issued since (the sealed one is
 * withdrawn, and only the customer's newest message holds the current one).
 */
export function tryAgainUrl(
  record: OnboardingRecord | null,
  state: string,
  publicUrl: string,
): string | null {
  if (!record || record.status !== 'pending') return null;
  const { stateHash } = stateHashOf(state);
  const sealed = record.links.find((link) => link.state_hash === stateHash)?.start_token_sealed;
  if (!sealed) return null;
  const token = openStartToken(sealed, state, 'link');
  const parsed = token === null ? null : parseStartToken(token);
  if (!parsed || !startTokenMatches(parsed.secretHash, record.start_token_hash)) return null;
  return startUrlOf(publicUrl, token!);
}
