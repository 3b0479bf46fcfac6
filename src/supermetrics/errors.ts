// The upstream client's one typed error: every failure of a call becomes a SupermetricsError.

export type SupermetricsErrorKind =
  /** The upstream answered with an error status (either error body shape). */
  | 'api'
  /** No usable answer: connection refused/reset, dropped, DNS. */
  | 'network'
  /** Connect, headers or body timeout. */
  | 'timeout'
  /** A 2xx/4xx/5xx body in none of the documented shapes (HTML from a proxy, truncated JSON). */
  | 'malformed'
  /** Refused locally before any request: e.g. a link_id that breaks the pattern. */
  | 'invalid_input';

export interface SupermetricsErrorFields {
  kind: SupermetricsErrorKind;
  /** Upstream code (LINK_NOT_FOUND, LINK_LIMIT_EXCEEDED, UNAUTHORIZED, …) or ours for non-api kinds
   *  (NETWORK_ERROR, TIMEOUT, MALFORMED_RESPONSE, INVALID_LINK_ID). */
  code: string;
  /** HTTP status of the answer; null when there was none. */
  status: number | null;
  /** Upstream meta.request_id when the body had one. */
  requestId: string | null;
  message: string;
  description?: string;
  /** Retry-After seconds from the last answer, if any. */
  retryAfterSeconds?: number | null;
  /** How many attempts were made (1 = no retry). */
  attempts?: number;
  cause?: unknown;
}

export class SupermetricsError extends Error {
  readonly kind: SupermetricsErrorKind;
  readonly code: string;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly description?: string;
  readonly retryAfterSeconds: number | null;
  readonly attempts: number;

  constructor(fields: SupermetricsErrorFields) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'SupermetricsError';
    this.kind = fields.kind;
    this.code = fields.code;
    this.status = fields.status;
    this.requestId = fields.requestId;
    this.description = fields.description;
    this.retryAfterSeconds = fields.retryAfterSeconds ?? null;
    this.attempts = fields.attempts ?? 1;
  }

  /** True for failures a later retry may cure: 429, 5xx, network, timeout. */
  get transient(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    return this.status === 429 || (this.status !== null && this.status >= 500);
  }
}
