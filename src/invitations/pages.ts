// The pages of a start link: the start page (one Continue button), the waiting page that tries again by
// itself, the "invitation has ended" page and the unknown-link page. No page names a secret.
import { escapeHtml, page, pageCsp } from '../pages/layout';

/** Seconds between the waiting page's own retries (also its Retry-After). */
export const WAITING_RETRY_SECONDS = 5;

const WAITING_SCRIPT = `setTimeout(function(){document.forms[0].submit()},${WAITING_RETRY_SECONDS * 1000});`;

/** The start and waiting pages post to themselves; the answer is a 303 to the upstream's login page. */
export function startPagesCsp(upstreamOrigin: string): { start: string; waiting: string } {
  const formAction = ["'self'", upstreamOrigin];
  return {
    start: pageCsp({ formAction }),
    waiting: pageCsp({ formAction, script: WAITING_SCRIPT }),
  };
}

/** The plain pages (ended, unknown): no form, no script. */
export const PLAIN_CSP = pageCsp();

function continueForm(startPath: string, label: string): string {
  return `<form method="post" action="${escapeHtml(startPath)}"><button type="submit">${escapeHtml(label)}</button></form>`;
}

export function startPage(startPath: string, dsName: string, description: string): string {
  const name = escapeHtml(dsName);
  const about = description ? `<p>${escapeHtml(description)}</p>` : '';
  return page(
    `Connect your ${dsName} account`,
    `<h1>Connect your ${name} account</h1>${about}<p>You will sign in with ${name} on the next page. It takes about a minute.</p>${continueForm(startPath, 'Continue')}`,
  );
}

export function waitingPage(startPath: string, dsName: string): string {
  const name = escapeHtml(dsName);
  return page(
    'Please wait a moment',
    `<h1>Please wait a moment</h1><p>Many people are connecting their accounts right now. This page tries again by itself every few seconds and takes you to ${name} as soon as it can. You do not need to do anything.</p>${continueForm(startPath, 'Try now')}`,
    WAITING_SCRIPT,
  );
}

export function endedPage(): string {
  return page(
    'This invitation has ended',
    '<h1 class="fail">This invitation has ended</h1><p>It has expired or was withdrawn. Ask the person who sent it to you for a new one.</p>',
  );
}

export function unknownLinkPage(): string {
  return page(
    'Link not valid',
    '<h1 class="fail">This link is not valid</h1><p>It may have been replaced by a newer one. Use the most recent link you were sent, or ask for a new one.</p>',
  );
}

export function refusedPage(): string {
  return page(
    'This invitation cannot be used',
    '<h1 class="fail">This invitation cannot be used</h1><p>Supermetrics did not accept it. Ask the person who sent it to you to check it and send a new one.</p>',
  );
}
