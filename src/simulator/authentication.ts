// Completing a login: the username rule, the login fields, and the redirect back to the integrator.
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

/** Authenticates an OPEN link; throws LoginRefusedError otherwise and changes nothing. */
export function authenticateLink(
  store: LinkStore,
  linkId: string,
  options: AuthenticateOptions = {},
): CompletedLogin {
  const current = store.get(linkId);
  if (!current) throw new LoginRefusedError('LINK_NOT_FOUND', `Login link ${linkId} not found`);
  if (current.status_code !== 'OPEN')
    throw new LoginRefusedError(
      'LINK_NOT_OPEN',
      `Login link ${linkId} is ${current.status_code}, not OPEN`,
    );
  const username = chooseUsername(current.require_username, options.username);
  const link = store.markAuthenticated(linkId, username, options.loginVisibleAfterReads ?? 0);
  return { link, redirectUrl: redirectTarget(current) };
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
