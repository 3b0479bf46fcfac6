// Starting and completing a login: started attempts, the username rule, the login fields, and the redirect back.
import type { LoginLink } from '../supermetrics/types';
import type { AuthenticateOptions } from './types';
import type { LinkStore } from './link-store';

export const DEFAULT_USERNAME = 'user@example.com';

export type LoginRefusal = 'LINK_NOT_FOUND' | 'LINK_NOT_OPEN' | 'USERNAME_MISMATCH';

export class LoginRefusedError extends Error {
  constructor(
    readonly reason: LoginRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'LoginRefusedError';
  }
}

export interface CompletedLogin {
  link: LoginLink;
  /** Where the browser goes next, or null when the link has no redirect_url. */
  redirectUrl: string | null;
}

/** Starts an authentication attempt (what opening the login page does); only an OPEN link starts one. */
export function startLoginAttempt(store: LinkStore, linkId: string): string {
  const current = store.get(linkId);
  if (!current) throw new LoginRefusedError('LINK_NOT_FOUND', `Login link ${linkId} not found`);
  if (current.status_code !== 'OPEN') throw notOpen(linkId, current.status_code);
  return store.startAttempt(linkId);
}

/**
 * Authenticates an OPEN link, or a CLOSED one through an attempt started while it was OPEN:
 * the upstream says closing a link "will not affect already started authentication attempts".
 * An EXPIRED link, or one that already has a login, takes none. Throws LoginRefusedError
 * otherwise and changes nothing.
 */
export function authenticateLink(
  store: LinkStore,
  linkId: string,
  options: AuthenticateOptions = {},
  attemptId?: string,
): CompletedLogin {
  const current = store.get(linkId);
  if (!current) throw new LoginRefusedError('LINK_NOT_FOUND', `Login link ${linkId} not found`);
  if (current.status_code !== 'OPEN' && !finishesStartedAttempt(store, current, attemptId))
    throw notOpen(linkId, current.status_code);
  const username = chooseUsername(current.require_username, options.username);
  const link = store.markAuthenticated(linkId, username, options.loginVisibleAfterReads ?? 0);
  return { link, redirectUrl: redirectTarget(current) };
}

function finishesStartedAttempt(
  store: LinkStore,
  link: LoginLink,
  attemptId: string | undefined,
): boolean {
  return (
    link.status_code === 'CLOSED' &&
    attemptId !== undefined &&
    store.hasStartedAttempt(link.link_id, attemptId) &&
    !store.hasLogin(link.link_id)
  );
}

function notOpen(linkId: string, status: string): LoginRefusedError {
  return new LoginRefusedError('LINK_NOT_OPEN', `Login link ${linkId} is ${status}, not OPEN`);
}

/** A submitted username must equal require_username when the link sets one. */
function chooseUsername(required: string, submitted: string | undefined): string {
  if (submitted === undefined) return required || DEFAULT_USERNAME;
  if (required !== '' && submitted !== required)
    throw new LoginRefusedError('USERNAME_MISMATCH', `This link requires the username ${required}`);
  return submitted || DEFAULT_USERNAME;
}

/** redirect_url keeping its own query, with link_id and link_verifier appended as the upstream does. */
export function redirectTarget(link: LoginLink): string | null {
  if (link.redirect_url === '') return null;
  const url = new URL(link.redirect_url);
  url.searchParams.append('link_id', link.link_id);
  url.searchParams.append('link_verifier', link.redirect_verifier);
  return url.toString();
}
