// The kinds of value an environment variable holds (whole numbers, URLs, lists…), each a zod schema.
import { z } from 'zod';

/** Surrounding spaces are dropped and a blank value is unset, so `PORT=` keeps the default. */
function trimToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** One environment variable, read through `schema` once trimmed. */
export const variable = <T extends z.ZodType>(schema: T) => z.preprocess(trimToUndefined, schema);

export const text = z.string();

/** An address to listen on: all interfaces unless set. */
export const listenAddress = text.default('0.0.0.0');

/** A whole number within [min, max]; signs, decimals, exponents and hex are refused. */
export const wholeNumber = (min: number, max: number, message: string) =>
  text
    .regex(/^\d+$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);

export const port = wholeNumber(1, 65535, 'must be a whole number from 1 to 65535');

/** Whole seconds; timers past about 24 days overflow in Node, so callers keep `max` well below. */
export const seconds = (min: number, max: number) =>
  wholeNumber(min, max, `must be a whole number of seconds from ${min} to ${max}`);

export const requestsPerMinute = wholeNumber(
  1,
  1_000_000,
  'must be a whole number of requests per minute, from 1 to 1000000',
);

const SHARE_MESSAGE = 'must be a decimal number above 0 and at most 1 (e.g. 0.5)';
/** A share above 0 and at most 1, written as a plain decimal (no exponent or percent). */
export const share = text
  .regex(/^(0|1)?(\.\d+)?$/, SHARE_MESSAGE)
  .transform(Number)
  .refine((n) => Number.isFinite(n) && n > 0 && n <= 1, SHARE_MESSAGE);

function hasProtocol(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export const url = (protocols: string[], message: string) =>
  text.refine((v) => hasProtocol(v, protocols), message);

/** PUBLIC_URL becomes `${PUBLIC_URL}/callback?state=…`: a query, fragment or userinfo would break it. */
export const baseUrl = text.refine((v) => {
  if (!hasProtocol(v, ['https:', 'http:'])) return false;
  const parsed = new URL(v);
  return (
    parsed.search === '' && parsed.hash === '' && parsed.username === '' && parsed.password === ''
  );
}, 'must be an absolute http(s) base URL without query, fragment or credentials');

/** Comma-separated, each entry trimmed, empty entries dropped. */
export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

export const flag = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

export function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
