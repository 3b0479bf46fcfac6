// Turns what undici or the socket threw into a failure: network, timeout or aborted, and whether
// the request provably never left this process.
import type { SupermetricsErrorFields } from './errors';

export type Failure = Omit<SupermetricsErrorFields, 'attempts' | 'retryAfterSeconds'>;

export interface TransportFailure {
  failure: Failure;
  /** True only when the connection never opened, so the server cannot have seen the request. */
  sentNothing: boolean;
  /** Never retried: the caller cancelled, or this client was closed. */
  permanent: boolean;
}

// The dispatcher was closed or destroyed: every further attempt would fail the same way.
const CLOSED_CODES = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// Failures while opening the connection (refused, DNS, unreachable, connect timeout): no byte of
// the request was written. A reset or "other side closed" on an open socket proves nothing.
const NOTHING_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The error code, looking inside the AggregateError Node's happy-eyeballs connect throws. */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (err instanceof AggregateError) return errorCode(err.errors[0]);
  return undefined;
}

export function readTransportError(
  err: unknown,
  status: number | null,
  signal: AbortSignal | undefined,
): TransportFailure {
  const code = errorCode(err);
  if (signal?.aborted) {
    return {
      failure: {
        kind: 'network',
        code: 'ABORTED',
        status,
        requestId: null,
        message: 'Request to Supermetrics was aborted by the caller',
        cause: err,
      },
      sentNothing: false,
      permanent: true,
    };
  }
  const timedOut = code !== undefined && TIMEOUT_CODES.has(code);
  return {
    failure: {
      kind: timedOut ? 'timeout' : 'network',
      code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
      status,
      requestId: null,
      message: `Supermetrics ${timedOut ? 'request timed out' : 'network error'} (${code ?? 'unknown'})`,
      cause: err,
    },
    sentNothing: code !== undefined && NOTHING_SENT_CODES.has(code),
    permanent: code !== undefined && CLOSED_CODES.has(code),
  };
}
