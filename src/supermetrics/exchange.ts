// One HTTP exchange with the upstream: send, read the whole body, and map the answer to a typed
// outcome (success body, api error, malformed body, network failure or timeout). Never throws.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { readErrorBody } from './error-body';
import { NO_RATE_LIMIT, readRateLimit } from './rate-limit';
import { parseRetryAfter } from './retry-policy';
import { safeExcerpt } from './safe-excerpt';
import { describeIssues, type SuccessBody } from './schemas';
import { readTransportError, type Failure } from './transport-error';
import type { ExchangeInfo, RateLimitInfo } from './types';

export interface ExchangeConfig {
  dispatcher: Dispatcher;
  origin: string;
  apiKey: string;
  userAgent: string;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Wall clock, for Retry-After given as an HTTP date. */
  now: () => number;
}

export interface ExchangeRequest<T> {
  endpoint: ExchangeInfo['endpoint'];
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Absolute path including the base URL's path, link id already checked and encoded. */
  path: string;
  /** JSON text, or undefined for no body. */
  body: string | undefined;
  /** Already validated X-Request-Id, or undefined. */
  requestId: string | undefined;
  signal: AbortSignal | undefined;
  schema: z.ZodType<SuccessBody<T>>;
}

interface AnsweredFields {
  /** HTTP status, null when no answer arrived. */
  status: number | null;
  rateLimit: RateLimitInfo;
  retryAfterSeconds: number | null;
}

export interface SucceededExchange<T> extends AnsweredFields {
  ok: true;
  body: SuccessBody<T>;
}

export interface FailedExchange extends AnsweredFields {
  ok: false;
  failure: Failure;
  sentNothing: boolean;
  permanent: boolean;
}

export type ExchangeOutcome<T> = SucceededExchange<T> | FailedExchange;

export type Exchange = <T>(request: ExchangeRequest<T>) => Promise<ExchangeOutcome<T>>;

export function createExchange(config: ExchangeConfig): Exchange {
  const { dispatcher, origin, apiKey, headersTimeoutMs, bodyTimeoutMs, now } = config;
  // Built once: most calls send exactly these headers.
  const plainHeaders: Readonly<Record<string, string>> = Object.freeze({
    authorization: `Bearer ${apiKey}`,
    accept: 'application/json',
    'user-agent': config.userAgent,
  });
  const jsonHeaders = Object.freeze({ ...plainHeaders, 'content-type': 'application/json' });

  function malformed(status: number, message: string, requestId: string | null = null): Failure {
    return { kind: 'malformed', code: 'MALFORMED_RESPONSE', status, requestId, message };
  }

  function interpret<T>(status: number, text: string, schema: z.ZodType<SuccessBody<T>>) {
    // Content-Type is not consulted: proxies mislabel bodies both ways, so the parse and the
    // schema decide what the body is.
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A 2xx body carries the link, verifier included: say only how much came, never what.
      const shown =
        status >= 200 && status < 300 ? `${text.length} characters` : safeExcerpt(text, apiKey);
      return malformed(
        status,
        `Supermetrics answered ${status} with a body that is not JSON: ${shown}`,
      );
    }
    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(json);
      if (parsed.success) return parsed.data;
      return malformed(
        status,
        `Supermetrics answered ${status} with an unexpected body (${describeIssues(parsed.error)})`,
      );
    }
    const error = readErrorBody(json);
    if (error === null) {
      return malformed(
        status,
        `Supermetrics answered ${status} with an unrecognised error body: ${safeExcerpt(text, apiKey)}`,
      );
    }
    const failure: Failure = {
      kind: 'api',
      code: error.code,
      status,
      requestId: error.requestId,
      message: error.message,
    };
    if (error.description !== undefined) failure.description = error.description;
    return failure;
  }

  return async function exchange<T>(request: ExchangeRequest<T>): Promise<ExchangeOutcome<T>> {
    const base = request.body === undefined ? plainHeaders : jsonHeaders;
    const headers =
      request.requestId === undefined ? base : { ...base, 'x-request-id': request.requestId };
    let status: number | null = null;
    let rateLimit: RateLimitInfo = NO_RATE_LIMIT;
    let retryAfterSeconds: number | null = null;
    let text: string;
    try {
      const response = await dispatcher.request({
        origin,
        path: request.path,
        method: request.method,
        headers,
        body: request.body,
        signal: request.signal,
        headersTimeout: headersTimeoutMs,
        bodyTimeout: bodyTimeoutMs,
      });
      status = response.statusCode;
      rateLimit = readRateLimit(response.headers);
      if (status >= 300)
        retryAfterSeconds = parseRetryAfter(response.headers['retry-after'], now());
      // Always read the body to the end, error answers included: that frees the keep-alive socket.
      text = await response.body.text();
    } catch (err) {
      const transport = readTransportError(err, status, request.signal);
      return { ok: false, status, rateLimit, retryAfterSeconds, ...transport };
    }
    const result = interpret(status, text, request.schema);
    if ('kind' in result) {
      return {
        ok: false,
        status,
        rateLimit,
        retryAfterSeconds,
        failure: result,
        sentNothing: false,
        permanent: false,
      };
    }
    return { ok: true, status, rateLimit, retryAfterSeconds, body: result };
  };
}
