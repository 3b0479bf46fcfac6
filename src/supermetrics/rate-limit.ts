// Reads X-RateLimit-Limit (per hour) and X-RateLimit-Remaining (left in the window) as integers or null.
import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitInfo } from './types';

const INTEGER = /^\d{1,9}$/;

/** One header as a non-negative integer; null when absent, repeated or not an integer. */
export function readIntegerHeader(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return INTEGER.test(trimmed) ? Number(trimmed) : null;
}

export function readRateLimit(headers: IncomingHttpHeaders): RateLimitInfo {
  return {
    limit: readIntegerHeader(headers['x-ratelimit-limit']),
    remaining: readIntegerHeader(headers['x-ratelimit-remaining']),
  };
}

export const NO_RATE_LIMIT: Readonly<RateLimitInfo> = Object.freeze({
  limit: null,
  remaining: null,
});
