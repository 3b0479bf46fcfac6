// The chrome every end-customer page shares: one style, HTML escaping, and a Content-Security-Policy that
// lets in exactly this page's style (and, where a page needs one, its one script) and nothing else.
import { createHash } from 'node:crypto';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c1e21}' +
  'main{max-width:32rem;margin:10vh auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}' +
  'h1{font-size:1.4rem;margin-top:0}.ok{color:#0a7d32}.fail{color:#b3261e}code{background:#eee;padding:0 .3em;border-radius:3px}' +
  'button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#1a56db;color:#fff;cursor:pointer}' +
  'button:focus-visible{outline:3px solid #1c1e21;outline-offset:2px}';

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const STYLE_SOURCE = hashOf(STYLE);

export interface PagePolicy {
  /** Where the page's form may go (and, in Chromium, where that POST may be redirected). */
  formAction?: readonly string[];
  /** The page's one inline script, allowed by its hash. */
  script?: string;
}

/** The Content-Security-Policy for a page of this chrome. */
export function pageCsp(policy: PagePolicy = {}): string {
  const formAction = policy.formAction?.length ? policy.formAction.join(' ') : "'none'";
  const script = policy.script === undefined ? '' : `; script-src ${hashOf(policy.script)}`;
  return `default-src 'none'; style-src ${STYLE_SOURCE}${script}; base-uri 'none'; form-action ${formAction}; frame-ancestors 'none'`;
}

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

/** A whole page: the title is escaped here; `body` is HTML the caller built with escapeHtml. */
export function page(title: string, body: string, script?: string): string {
  const tail =
    script === undefined
      ? '</main></body></html>'
      : `</main><script>${script}</script></body></html>`;
  return `${HEAD}${escapeHtml(title)}${AFTER_TITLE}${body}${tail}`;
}
