// Redirect safety: a return_url is accepted only when, after URL parsing, its origin is an allowed one.
import { AppError } from '../errors';

// Whitespace, control characters and backslashes are refused outright: browsers strip or rewrite
// them (`/\evil`, tab/newline tricks) differently from URL parsers, so no reading of them is safe.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007F-\u00A0\\\u2000-\u200F\u2028\u2029\uFEFF]/;

export function checkReturnUrl(value: string, allowedOrigins: readonly string[]): string {
  const refuse = (why: string) =>
    new AppError('UNPROCESSABLE_ENTITY', `Invalid field "return_url": ${why}`, {
      details: { field: 'return_url' },
    });
  if (UNSAFE_CHARACTERS.test(value))
    throw refuse('it contains whitespace, control characters or backslashes');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('it must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse('it must be an https URL');
  if (url.username !== '' || url.password !== '') throw refuse('it must not contain credentials');
  if (!allowedOrigins.includes(url.origin))
    throw refuse(
      allowedOrigins.length === 0
        ? 'no return_url origins are allowed (set RETURN_URL_ORIGINS)'
        : `its origin ${url.origin} is not in RETURN_URL_ORIGINS`,
    );
  return url.href;
}

/** Adds query parameters to an already-checked return_url, keeping its own. */
export function withQuery(returnUrl: string, params: Record<string, string>): string {
  const url = new URL(returnUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}
