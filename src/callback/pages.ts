// Result pages of the callback: small, accessible, self-contained HTML (no script, no external resource).
import { createHash } from 'node:crypto';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c1e21}' +
  'main{max-width:32rem;margin:10vh auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}' +
  'h1{font-size:1.4rem;margin-top:0}.ok{color:#0a7d32}.fail{color:#b3261e}code{background:#eee;padding:0 .3em;border-radius:3px}';

/** The Content-Security-Policy that lets exactly this page's style in and nothing else. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

// Precomputed halves: rendering is one concatenation per request.
const HEAD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>`;
const AFTER_TITLE = `</title><style>${STYLE}</style></head><body><main>`;
const TAIL = '</main></body></html>';

function page(title: string, body: string): string {
  return `${HEAD}${escapeHtml(title)}${AFTER_TITLE}${body}${TAIL}`;
}

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
