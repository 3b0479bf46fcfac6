// Which failed attempts are retried and after how long: bounded attempts, exponential backoff with
// full jitter, Retry-After honoured up to a cap.

export interface RetryPolicyOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  random: () => number;
}

/** What the policy needs to know about one failed attempt. */
export interface FailedAttempt {
  method: string;
  kind: string;
  status: number | null;
  retryAfterSeconds: number | null;
  sentNothing: boolean;
  permanent: boolean;
}

export interface RetryPolicy {
  /** Milliseconds to wait before the next attempt, or null to give up now. */
  delayBeforeRetry(failed: FailedAttempt, attempt: number): number | null;
}

const DELTA_SECONDS = /^\d+$/;
// The three HTTP-date forms all start with a day name; Date.parse alone would accept '-5' as a year.
const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/** Retry-After as seconds (RFC 9110: delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number,
): number | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) return Number(trimmed);
  if (!HTTP_DATE_START.test(trimmed)) return null;
  // asctime carries no zone but means GMT; Date.parse would read it as local time.
  const at = Date.parse(trimmed.endsWith('GMT') ? trimmed : `${trimmed} GMT`);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** 429, any 5xx (a proxy's HTML 502 included), network errors and timeouts may pass. */
function isTransient(failed: FailedAttempt): boolean {
  if (failed.kind === 'network' || failed.kind === 'timeout') return true;
  return failed.status === 429 || (failed.status !== null && failed.status >= 500);
}

export function createRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const { maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs, random } = options;

  return {
    delayBeforeRetry(failed, attempt) {
      if (attempt >= maxAttempts || failed.permanent || !isTransient(failed)) return null;
      // POST creates a link: once the request may have reached the server, a retry could create
      // a second one (and eat the 5-open-links budget). Only a connection that never opened is safe.
      if (failed.method === 'POST' && !failed.sentNothing) return null;
      const retryAfterMs = failed.retryAfterSeconds === null ? 0 : failed.retryAfterSeconds * 1000;
      // Waiting longer than the cap would stall the caller; fail and let it schedule the retry.
      if (retryAfterMs > maxRetryAfterMs) return null;
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const backoff = Math.floor(random() * ceiling);
      return Math.max(backoff, retryAfterMs);
    },
  };
}
