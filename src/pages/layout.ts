// The chrome every end-customer page shares: one style (coloured by the brand), HTML escaping, the brand
// name above the card, and a Content-Security-Policy that lets in exactly this page's style (and, where a
// page needs one, its one script) and nothing else.
import { createHash } from 'node:crypto';
import { NO_BRAND, paletteOf, type Brand } from './brand';

function styleOf(brand: Brand): string {
  const { accent, onAccent, accentText } = paletteOf(brand);
  return (
    'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c1e21}' +
    `header{max-width:32rem;margin:8vh auto 0;padding:0 2rem;font-weight:600;color:${accentText}}` +
    `main{max-width:32rem;margin:1rem auto 10vh;padding:2rem;background:#fff;border-radius:8px;border-top:4px solid ${accent};box-shadow:0 1px 4px #0002}` +
    'h1{font-size:1.4rem;margin-top:0}.ok{color:#0a7d32}.fail{color:#b3261e}' +
    '.note{font-size:.9rem;color:#4a4f57}code{background:#eef0f3;padding:0 .3em;border-radius:3px}' +
    `a{color:${accentText}}` +
    `button,.button{display:inline-block;font:inherit;padding:.6rem 1.4rem;border:0;border-radius:6px;background:${accent};color:${onAccent};cursor:pointer;text-decoration:none}` +
    // A dark ring outside the control, on the white card: visible whatever the accent is.
    'button:focus-visible,a:focus-visible{outline:3px solid #1c1e21;outline-offset:3px}'
  );
}

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export interface PagePolicy {
  /** Where the page's form may go (and, in Chromium, where that POST may be redirected). */
  formAction?: readonly string[];
  /** The page's one inline script, allowed by its hash. */
  script?: string;
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

export interface PageParts {
  /** The `<html lang>` value. */
  lang: string;
  /** Plain text: escaped here. */
  title: string;
  /** HTML the caller built with escapeHtml. */
  body: string;
  script?: string;
}

export interface PageChrome {
  /** BRAND_NAME, for texts that name it; null when unset. */
  brandName: string | null;
  /** The Content-Security-Policy for a page of this chrome. */
  csp(policy?: PagePolicy): string;
  page(parts: PageParts): string;
}

/** The chrome for one brand: its style and that style's hash are computed once, here. */
export function createPageChrome(brand: Brand = NO_BRAND): PageChrome {
  const style = styleOf(brand);
  const styleSource = hashOf(style);
  const header = brand.name ? `<header>${escapeHtml(brand.name)}</header>` : '';
  const head = `<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>`;
  const afterTitle = `</title><style>${style}</style></head><body>${header}<main>`;
  return {
    brandName: brand.name,
    csp(policy = {}) {
      const formAction = policy.formAction?.length ? policy.formAction.join(' ') : "'none'";
      const script = policy.script === undefined ? '' : `; script-src ${hashOf(policy.script)}`;
      return `default-src 'none'; style-src ${styleSource}${script}; base-uri 'none'; form-action ${formAction}; frame-ancestors 'none'`;
    },
    page({ lang, title, body, script }) {
      const tail =
        script === undefined
          ? '</main></body></html>'
          : `</main><script>${script}</script></body></html>`;
      return `<!doctype html><html lang="${escapeHtml(lang)}"><head>${head}${escapeHtml(title)}${afterTitle}${body}${tail}`;
    },
  };
}
