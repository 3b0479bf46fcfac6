// Result pages, shown by the callback and by start links: connected, being confirmed, not connected.
// Small, accessible, self-contained HTML in the customer's language; one script only in an SDK popup.
import type { Catalogue, PageFailureCode } from './i18n';
import { escapeHtml, type PageChrome } from './layout';

export interface ResultPages {
  /** The result pages' policy: their style and nothing else. */
  csp: string;
  /** The policy of a result page that runs one script (the SDK's opener notice). */
  cspWithScript(script: string): string;
  /** `script`: the opener notice, when the SDK opened this window (see src/embed/opener.ts). */
  success(texts: Catalogue, dsName: string, script?: string): string;
  /** The upstream did not answer in time: the connection is finished in the background. */
  processing(texts: Catalogue, dsName: string): string;
  /** `tryAgainUrl`: the onboarding's start link, when it is still pending and its link is known. */
  failure(texts: Catalogue, code: string, tryAgainUrl?: string | null, script?: string): string;
}

/** Codes whose advice already says what to do (wait and reload): no "start again" hint after it. */
const RELOAD_CODES: ReadonlySet<string> = new Set([
  'UPSTREAM_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'TOO_MANY_REQUESTS',
]);

function adviceFor(texts: Catalogue, code: string): string {
  return texts.failure.advice[code as PageFailureCode] ?? texts.failure.otherAdvice;
}

export function createResultPages(chrome: PageChrome): ResultPages {
  const brand = chrome.brandName;
  const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;

  return {
    csp: chrome.csp(),
    cspWithScript: (script) => chrome.csp({ script }),

    success(texts, dsName, script) {
      const heading = texts.success.heading(dsName || null, brand);
      return chrome.page({
        lang: texts.lang,
        title: texts.success.title,
        body: `<h1 class="ok">${escapeHtml(heading)}</h1>${paragraph(texts.success.body(brand))}`,
        script,
      });
    },

    processing(texts, dsName) {
      const { processing } = texts;
      return chrome.page({
        lang: texts.lang,
        title: processing.title,
        body: `<h1>${escapeHtml(processing.heading)}</h1>${paragraph(processing.body(dsName || null))}${paragraph(processing.close(brand))}`,
      });
    },

    failure(texts, code, tryAgainUrl = null, script) {
      const { failure } = texts;
      let next = '';
      if (tryAgainUrl)
        next = `${paragraph(failure.tryAgainHint)}<p><a class="button" href="${escapeHtml(tryAgainUrl)}">${escapeHtml(failure.tryAgain)}</a></p>`;
      else if (!RELOAD_CODES.has(code)) next = paragraph(failure.startOverHint);
      return chrome.page({
        lang: texts.lang,
        title: failure.title,
        body: `<h1 class="fail">${escapeHtml(failure.heading)}</h1>${paragraph(adviceFor(texts, code))}${next}<p class="note">${escapeHtml(failure.reference)} <code>${escapeHtml(code)}</code></p>`,
        script,
      });
    },
  };
}
