// The login pages' HTML: self-contained, no scripts or external resources, every value escaped.
import type { LoginLink } from '../supermetrics/types';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#222}' +
  'form{display:inline-block;margin:0.5rem 0.5rem 0 0}input{display:block;width:100%;margin:0.5rem 0}' +
  '.note{color:#666;font-size:0.9rem}';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    `<body><h1>${escapeHtml(title)}</h1>${body}`,
    '<p class="note">Supermetrics login simulator: no real data source is contacted.</p>',
    '</body></html>',
  ].join('\n');
}

/** login_url's path: forms post there whatever host or path prefix the page was reached by. */
function loginPath(link: LoginLink, token: string): string {
  try {
    return new URL(link.login_url).pathname;
  } catch {
    return `/datasource/login/${encodeURIComponent(token)}`;
  }
}

export interface LoginForm {
  /** The attempt this page started; Authenticate submits it, so it finishes after a close. */
  attemptId: string;
  /** Why the previous submission was refused, if it was. */
  error?: string;
}

/** The form a user sees at login_url. */
export function loginFormPage(link: LoginLink, token: string, form: LoginForm): string {
  const action = escapeHtml(loginPath(link, token));
  const problem = form.error
    ? `<p role="alert"><strong>${escapeHtml(form.error)}</strong></p>`
    : '';
  const required = link.require_username
    ? `<p>This link requires the username <strong>${escapeHtml(link.require_username)}</strong>.</p>`
    : '';
  return page(
    `Connect ${link.ds_name}`,
    [
      `<p>Authenticate to <strong>${escapeHtml(link.ds_name)}</strong> to share access with the requesting team.</p>`,
      required,
      problem,
      `<form method="post" action="${action}/authenticate">`,
      `<input type="hidden" name="attempt" value="${escapeHtml(form.attemptId)}">`,
      '<label for="username">Username</label>',
      `<input id="username" name="username" type="text" value="${escapeHtml(link.require_username)}" autocomplete="username">`,
      '<button type="submit">Authenticate</button></form>',
      `<form method="post" action="${action}/cancel"><button type="submit">Cancel</button></form>`,
    ].join('\n'),
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${escapeHtml(message)}</p>`);
}
