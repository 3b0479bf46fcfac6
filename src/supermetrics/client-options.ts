// The client's options: defaults, and eager validation that reports every problem at once.
import { Pool, type Dispatcher } from 'undici';
import type { Clock } from '../lib/clock';
import type { RetryPolicyOptions } from './retry-policy';
import type { ExchangeInfo } from './types';

export interface SupermetricsClientOptions {
  /** e.g. https://api.supermetrics.com/enterprise/v2; its path is kept as the request prefix. */
  baseUrl: string;
  apiKey: string;
  /** Default: one keep-alive undici Pool for the base origin, owned (and closed) by the client. */
  dispatcher?: Dispatcher;
  /** Defaults 5000 / 10000 / 10000 ms. connectMs applies only to the default Pool. */
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  retry?: {
    maxAttempts?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    /** A longer Retry-After is not waited for: the call fails with retryAfterSeconds. */
    maxRetryAfterMs?: number;
  };
  /** Called once per attempt. */
  onExchange?: (info: ExchangeInfo) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source, default Math.random. */
  random?: () => number;
  userAgent?: string;
  /** Wall clock for Retry-After HTTP dates; default the system clock. */
  clock?: Clock;
}

export interface ResolvedClientOptions {
  origin: string;
  /** The base URL's path without a trailing slash ('' for the root). */
  basePath: string;
  apiKey: string;
  dispatcher: Dispatcher;
  /** True when the client created the dispatcher and must close it. */
  ownsDispatcher: boolean;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  retry: RetryPolicyOptions;
  onExchange: ((info: ExchangeInfo) => void) | undefined;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  userAgent: string;
}

export class SupermetricsClientOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Supermetrics client options: ${problems.join('; ')}`);
    this.name = 'SupermetricsClientOptionsError';
  }
}

const HEADER_SAFE = /^[\x21-\x7e][\x20-\x7e]*$/;

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBaseUrl(baseUrl: unknown, problems: string[]): URL | null {
  if (typeof baseUrl !== 'string') {
    problems.push('baseUrl must be a string');
    return null;
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    problems.push('baseUrl must be an absolute URL');
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push('baseUrl must use https (or http for a local simulator)');
  }
  if (url.search !== '' || url.hash !== '') problems.push('baseUrl must not have a query or hash');
  if (url.username !== '' || url.password !== '') {
    problems.push('baseUrl must not carry credentials (use apiKey)');
  }
  return url;
}

function readNumber(
  value: number | undefined,
  fallback: number,
  name: string,
  min: number,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    problems.push(`${name} must be an integer >= ${min}`);
    return fallback;
  }
  return value;
}

export function resolveClientOptions(options: SupermetricsClientOptions): ResolvedClientOptions {
  const problems: string[] = [];
  const url = readBaseUrl(options.baseUrl, problems);
  if (typeof options.apiKey !== 'string' || !HEADER_SAFE.test(options.apiKey)) {
    problems.push('apiKey must be a non-empty string of printable ASCII');
  }
  const userAgent = options.userAgent ?? 'login-link-receiver';
  if (!HEADER_SAFE.test(userAgent)) problems.push('userAgent must be printable ASCII');
  const timeouts = options.timeouts ?? {};
  const connectMs = readNumber(timeouts.connectMs, 5000, 'timeouts.connectMs', 1, problems);
  const headersMs = readNumber(timeouts.headersMs, 10000, 'timeouts.headersMs', 1, problems);
  const bodyMs = readNumber(timeouts.bodyMs, 10000, 'timeouts.bodyMs', 1, problems);
  const retry = options.retry ?? {};
  const maxAttempts = readNumber(retry.maxAttempts, 3, 'retry.maxAttempts', 1, problems);
  const baseDelayMs = readNumber(retry.baseDelayMs, 200, 'retry.baseDelayMs', 0, problems);
  const maxDelayMs = readNumber(retry.maxDelayMs, 5000, 'retry.maxDelayMs', 0, problems);
  const maxRetryAfterMs = readNumber(
    retry.maxRetryAfterMs,
    30000,
    'retry.maxRetryAfterMs',
    0,
    problems,
  );
  if (problems.length > 0 || url === null) throw new SupermetricsClientOptionsError(problems);

  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ?? new Pool(url.origin, { connect: { timeout: connectMs } });
  const clock = options.clock;
  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    apiKey: options.apiKey,
    dispatcher,
    ownsDispatcher,
    headersTimeoutMs: headersMs,
    bodyTimeoutMs: bodyMs,
    retry: {
      maxAttempts,
      baseDelayMs,
      maxDelayMs,
      maxRetryAfterMs,
      random: options.random ?? Math.random,
    },
    onExchange: options.onExchange,
    sleep: options.sleep ?? defaultSleep,
    now: clock ? () => clock.now() : Date.now,
    userAgent,
  };
}
