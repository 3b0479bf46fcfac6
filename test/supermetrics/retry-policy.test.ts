// The retry policy on its own: which failures retry, backoff bounds, Retry-After parsing and cap.
import {
  createRetryPolicy,
  parseRetryAfter,
  type FailedAttempt,
} from '../../src/supermetrics/retry-policy';

const policy = createRetryPolicy({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30000,
  random: () => 0.5,
});

function failed(overrides: Partial<FailedAttempt>): FailedAttempt {
  return {
    method: 'GET',
    kind: 'api',
    status: 500,
    retryAfterSeconds: null,
    sentNothing: false,
    permanent: false,
    ...overrides,
  };
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delta seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, rounding up', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now + 500)).toBe(10);
    expect(parseRetryAfter('Wednesday, 01-Jan-25 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Wed Jan  1 00:00:10 2025', now)).toBe(10);
  });

  it('treats a date in the past as zero', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('returns null when absent, repeated or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter(['1', '2'], now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('createRetryPolicy', () => {
  it('retries GET, PATCH and PUT on 429, 5xx, network errors and timeouts', () => {
    for (const method of ['GET', 'PATCH', 'PUT']) {
      expect(policy.delayBeforeRetry(failed({ method, status: 429 }), 1)).not.toBeNull();
      expect(policy.delayBeforeRetry(failed({ method, status: 503 }), 1)).not.toBeNull();
      expect(
        policy.delayBeforeRetry(failed({ method, kind: 'malformed', status: 502 }), 1),
      ).not.toBeNull();
      expect(
        policy.delayBeforeRetry(failed({ method, kind: 'network', status: null }), 1),
      ).not.toBeNull();
      expect(
        policy.delayBeforeRetry(failed({ method, kind: 'timeout', status: null }), 1),
      ).not.toBeNull();
    }
  });

  it('never retries 4xx other than 429, nor a malformed 2xx', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect(policy.delayBeforeRetry(failed({ status }), 1)).toBeNull();
    }
    expect(policy.delayBeforeRetry(failed({ kind: 'malformed', status: 200 }), 1)).toBeNull();
  });

  it('retries POST only when nothing can have been sent', () => {
    expect(policy.delayBeforeRetry(failed({ method: 'POST', status: 500 }), 1)).toBeNull();
    expect(policy.delayBeforeRetry(failed({ method: 'POST', status: 429 }), 1)).toBeNull();
    expect(
      policy.delayBeforeRetry(failed({ method: 'POST', kind: 'timeout', status: null }), 1),
    ).toBeNull();
    expect(
      policy.delayBeforeRetry(failed({ method: 'POST', kind: 'network', status: null }), 1),
    ).toBeNull();
    expect(
      policy.delayBeforeRetry(
        failed({ method: 'POST', kind: 'network', status: null, sentNothing: true }),
        1,
      ),
    ).not.toBeNull();
  });

  it('stops at maxAttempts and when the failure is permanent', () => {
    expect(policy.delayBeforeRetry(failed({}), 2)).not.toBeNull();
    expect(policy.delayBeforeRetry(failed({}), 3)).toBeNull();
    expect(policy.delayBeforeRetry(failed({ kind: 'network', permanent: true }), 1)).toBeNull();
  });

  it('backs off exponentially with full jitter, capped at maxDelayMs', () => {
    const at = (random: number, attempt: number) =>
      createRetryPolicy({
        maxAttempts: 10,
        baseDelayMs: 200,
        maxDelayMs: 5000,
        maxRetryAfterMs: 30000,
        random: () => random,
      }).delayBeforeRetry(failed({}), attempt);
    expect(at(0, 1)).toBe(0);
    expect(at(0.5, 1)).toBe(100);
    expect(at(0.5, 2)).toBe(200);
    expect(at(0.5, 3)).toBe(400);
    expect(at(0.999, 9)).toBeLessThan(5000);
    expect(at(0.5, 9)).toBe(2500);
  });

  it('waits the longer of backoff and Retry-After', () => {
    expect(policy.delayBeforeRetry(failed({ status: 429, retryAfterSeconds: 2 }), 1)).toBe(2000);
    expect(policy.delayBeforeRetry(failed({ status: 429, retryAfterSeconds: 0 }), 2)).toBe(200);
  });

  it('gives up when Retry-After exceeds the cap', () => {
    expect(policy.delayBeforeRetry(failed({ status: 429, retryAfterSeconds: 30 }), 1)).toBe(30000);
    expect(policy.delayBeforeRetry(failed({ status: 429, retryAfterSeconds: 31 }), 1)).toBeNull();
  });
});
