// A short, printable, redacted excerpt of an unexpected body for error messages.

const EXCERPT_CHARS = 60;
// A proxy or debug page may echo our request headers back: never let a bearer token through.
const BEARER = /bearer\s+\S*/gi;
const UNPRINTABLE = /[^\x20-\x7e]/g;
// Values that let someone complete a callback: blanked even when the excerpt cuts them short.
const SECRET_FIELDS = /("(?:redirect_verifier|link_verifier|redirect_url|state)"\s*:\s*")[^"]*"?/g;

/**
 * The first characters of `body` with the API key and any bearer token replaced. The window read
 * is widened by the key's length so a key starting inside the excerpt is always whole when replaced.
 */
export function safeExcerpt(body: string, apiKey: string): string {
  if (body.length === 0) return '(empty)';
  let window = body.slice(0, EXCERPT_CHARS + apiKey.length);
  if (apiKey.length > 0) window = window.split(apiKey).join('[redacted]');
  window = window
    .replace(BEARER, 'Bearer [redacted]')
    .replace(SECRET_FIELDS, '$1[redacted]"')
    .replace(UNPRINTABLE, '?');
  const excerpt = window.slice(0, EXCERPT_CHARS);
  return body.length > EXCERPT_CHARS ? `${JSON.stringify(excerpt)}…` : JSON.stringify(excerpt);
}
