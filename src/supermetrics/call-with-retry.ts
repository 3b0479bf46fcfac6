// Runs one client call as a series of exchanges: reports each attempt, asks the retry policy, waits,
// and throws the last failure as a SupermetricsError carrying the attempt count.
import { performance } from 'node:perf_hooks';
import { SupermetricsError } from './errors';
import type { Exchange, ExchangeRequest } from './exchange';
import type { RetryPolicy } from './retry-policy';
import type { ApiResult, ExchangeInfo } from './types';

export interface CallDeps {
  exchange: Exchange;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  onExchange: ((info: ExchangeInfo) => void) | undefined;
}

export type Call = <T>(request: ExchangeRequest<T>) => Promise<ApiResult<T>>;

function abortedError(attempts: number, cause: unknown): SupermetricsError {
  return new SupermetricsError({
    kind: 'network',
    code: 'ABORTED',
    status: null,
    requestId: null,
    message: 'Request to Supermetrics was aborted by the caller',
    attempts,
    cause,
  });
}

export function createCall(deps: CallDeps): Call {
  const { exchange, policy, sleep, onExchange } = deps;

  function report(info: ExchangeInfo): void {
    try {
      onExchange?.(info);
    } catch {
      // An observer (metrics, budget tracking) must never turn an answered call into a failure.
    }
  }

  return async function callWithRetry<T>(request: ExchangeRequest<T>): Promise<ApiResult<T>> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const outcome = await exchange(request);
      if (onExchange !== undefined) {
        report({
          endpoint: request.endpoint,
          method: request.method,
          status: outcome.status,
          durationMs: performance.now() - started,
          attempt,
          rateLimit: outcome.rateLimit,
          retryAfterSeconds: outcome.retryAfterSeconds,
        });
      }
      if (outcome.ok) {
        return {
          data: outcome.body.data,
          requestId: outcome.body.meta.request_id,
          rateLimit: outcome.rateLimit,
        };
      }
      const delayMs = policy.delayBeforeRetry(
        {
          method: request.method,
          kind: outcome.failure.kind,
          status: outcome.status,
          retryAfterSeconds: outcome.retryAfterSeconds,
          sentNothing: outcome.sentNothing,
          permanent: outcome.permanent,
        },
        attempt,
      );
      if (delayMs === null) {
        throw new SupermetricsError({
          ...outcome.failure,
          retryAfterSeconds: outcome.retryAfterSeconds,
          attempts: attempt,
        });
      }
      await sleep(delayMs);
      if (request.signal?.aborted) throw abortedError(attempt, request.signal.reason);
    }
  };
}
