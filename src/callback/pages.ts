// Result pages of the callback: small, accessible, self-contained HTML (no script, no external resource).
import { escapeHtml, page, pageCsp } from '../pages/layout';

/** The result pages' policy: their style and nothing else. */
export const PAGE_CSP = pageCsp();

export function successPage(dsName: string): string {
  const name = escapeHtml(dsName || 'data source');
  return page(
    'Account connected',
    `<h1 class="ok">Your ${name} account is connected</h1><p>Everything is set up. You can close this window and return to the application.</p>`,
  );
}

const FAILURE_ADVICE: Record<string, string> = {
  INVALID_REQUEST:
    'The address of this page is incomplete or damaged. Start the connection again from the application.',
  STATE_INVALID:
    'This sign-in link is unknown, has expired or was already used. Start the connection again from the application.',
  LINK_MISMATCH:
    'This sign-in does not match the connection that was started. Start the connection again from the application.',
  VERIFIER_MISMATCH:
    'The sign-in could not be verified. Start the connection again from the application.',
  LOGIN_INCOMPLETE:
    'The data source has not confirmed the sign-in yet. Reload this page in a moment, or start again.',
  LINK_NOT_FOUND:
    'Supermetrics does not know this sign-in link. Start the connection again from the application.',
  UPSTREAM_UNAVAILABLE:
    'Supermetrics could not be reached. Reload this page in a moment to finish connecting.',
  SERVICE_UNAVAILABLE:
    'The service is briefly unavailable. Reload this page in a moment to finish connecting.',
  TOO_MANY_REQUESTS: 'Too many attempts from your network. Wait a minute, then reload this page.',
};

export function failurePage(code: string): string {
  const advice =
    FAILURE_ADVICE[code] ??
    'Something went wrong. Start the connection again from the application.';
  return page(
    'Connection not completed',
    `<h1 class="fail">The account was not connected</h1><p>${escapeHtml(advice)}</p><p>Error code: <code>${escapeHtml(code)}</code></p>`,
  );
}
