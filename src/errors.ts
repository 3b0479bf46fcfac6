// The one error model: each wire code declared once with its HTTP status; AppError carries one.

export interface ErrorSpec {
  /** The HTTP status every answer with this code has. */
  status: number;
  /** Whether the client sees the error's own message; if not, a generic text replaces it. */
  exposeMessage: boolean;
}

/**
 * Every code the service answers with. Only INTERNAL_SERVER_ERROR hides its message (it may carry
 * an unexpected error's text); the other 5xx messages are written for the client ("retry shortly").
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, exposeMessage: true },
  UNAUTHORIZED: { status: 401, exposeMessage: true },
  FORBIDDEN: { status: 403, exposeMessage: true },
  NOT_FOUND: { status: 404, exposeMessage: true },
  CONFLICT: { status: 409, exposeMessage: true },
  PAYLOAD_TOO_LARGE: { status: 413, exposeMessage: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exposeMessage: true },
  UNPROCESSABLE_ENTITY: { status: 422, exposeMessage: true },
  TOO_MANY_REQUESTS: { status: 429, exposeMessage: true },
  // The upstream's own code, passed on (README "The link limit").
  LINK_LIMIT_EXCEEDED: { status: 403, exposeMessage: true },
  UPSTREAM_ERROR: { status: 502, exposeMessage: true },
  SERVICE_UNAVAILABLE: { status: 503, exposeMessage: true },
  INTERNAL_SERVER_ERROR: { status: 500, exposeMessage: false },
  // Callback outcomes (README "The callback"); TOO_MANY_REQUESTS and SERVICE_UNAVAILABLE too.
  INVALID_REQUEST: { status: 400, exposeMessage: true },
  STATE_INVALID: { status: 400, exposeMessage: true },
  LINK_MISMATCH: { status: 400, exposeMessage: true },
  VERIFIER_MISMATCH: { status: 400, exposeMessage: true },
  LOGIN_INCOMPLETE: { status: 400, exposeMessage: true },
  LINK_NOT_FOUND: { status: 400, exposeMessage: true },
  UPSTREAM_UNAVAILABLE: { status: 503, exposeMessage: true },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The text a client sees instead of a message its code does not expose. */
export const HIDDEN_MESSAGE = 'Internal server error.';

export interface AppErrorOptions {
  description?: string;
  /** Extra structured detail for the client (e.g. the invalid field). Never secrets. */
  details?: Record<string, unknown>;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** From the catalogue: a code always answers with the same status. */
  readonly status: number;
  readonly description?: string;
  readonly details?: Record<string, unknown>;
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.description = options.description;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  get exposeMessage(): boolean {
    return ERROR_CATALOGUE[this.code].exposeMessage;
  }
}

export interface ErrorEnvelope {
  meta: { request_id: string };
  error: { code: string; message: string; description?: string } & Record<string, unknown>;
}

export function toEnvelope(err: AppError, requestId: string): ErrorEnvelope {
  const error: ErrorEnvelope['error'] = {
    code: err.code,
    message: err.exposeMessage ? err.message : HIDDEN_MESSAGE,
  };
  if (err.description !== undefined) error.description = err.description;
  if (err.details !== undefined) Object.assign(error, err.details);
  return { meta: { request_id: requestId }, error };
}
