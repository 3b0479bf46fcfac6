// The pages of a start link, in the customer's language: the start page (one Continue button), the waiting
// page that tries again by itself, the "invitation has ended" page, the unknown-link page and the refused
// page. No page names a secret.
import type { Catalogue } from '../pages/i18n';
import { escapeHtml, type PageChrome } from '../pages/layout';

/** Seconds between the waiting page's own retries (also its Retry-After). */
export const WAITING_RETRY_SECONDS = 5;

const WAITING_SCRIPT = `setTimeout(function(){document.forms[0].submit()},${WAITING_RETRY_SECONDS * 1000});`;

export interface StartPages {
  csp: {
    /** The start and waiting pages post to themselves; the answer is a 303 to the upstream's login page. */
    start: string;
    waiting: string;
    /** The plain pages (ended, unknown, refused): no form, no script. */
    plain: string;
  };
  /** `opener`: the web app that opened this window through the SDK, carried into the POST. */
  start(
    texts: Catalogue,
    startPath: string,
    dsName: string,
    description: string,
    opener: string | null,
  ): string;
  waiting(texts: Catalogue, startPath: string, dsName: string, opener: string | null): string;
  ended(texts: Catalogue): string;
  unknownLink(texts: Catalogue): string;
  refused(texts: Catalogue): string;
}

function continueForm(startPath: string, label: string, opener: string | null): string {
  const origin = opener ? `<input type="hidden" name="origin" value="${escapeHtml(opener)}">` : '';
  return `<form method="post" action="${escapeHtml(startPath)}">${origin}<button type="submit">${escapeHtml(label)}</button></form>`;
}

export function createStartPages(chrome: PageChrome, upstreamOrigin: string): StartPages {
  const formAction = ["'self'", upstreamOrigin];
  const plain = (texts: Catalogue, page: { heading: string; body: string }) =>
    chrome.page({
      lang: texts.lang,
      title: page.heading,
      body: `<h1 class="fail">${escapeHtml(page.heading)}</h1><p>${escapeHtml(page.body)}</p>`,
    });

  return {
    csp: {
      start: chrome.csp({ formAction }),
      waiting: chrome.csp({ formAction, script: WAITING_SCRIPT }),
      plain: chrome.csp(),
    },

    start(texts, startPath, dsName, description, opener) {
      const heading = texts.start.heading(dsName || null, chrome.brandName);
      const about = description ? `<p>${escapeHtml(description)}</p>` : '';
      return chrome.page({
        lang: texts.lang,
        title: heading,
        body: `<h1>${escapeHtml(heading)}</h1>${about}<p>${escapeHtml(texts.start.next(dsName || null))}</p>${continueForm(startPath, texts.start.continue, opener)}`,
      });
    },

    waiting(texts, startPath, dsName, opener) {
      const { waiting } = texts;
      return chrome.page({
        lang: texts.lang,
        title: waiting.heading,
        body: `<h1>${escapeHtml(waiting.heading)}</h1><p>${escapeHtml(waiting.body(dsName || null))}</p>${continueForm(startPath, waiting.tryNow, opener)}`,
        script: WAITING_SCRIPT,
      });
    },

    ended: (texts) => plain(texts, texts.ended),
    unknownLink: (texts) => plain(texts, texts.unknownLink),
    refused: (texts) => plain(texts, texts.refused),
  };
}
