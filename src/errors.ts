// The one error model: AppError carries a stable wire code and HTTP status; toEnvelope renders it.

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNPROCESSABLE_ENTITY'
  | 'TOO_MANY_REQUESTS'
  | 'LINK_LIMIT_EXCEEDED'
  | 'UPSTREAM_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  // Callback outcomes (interface.md, "Callback").
  | 'INVALID_REQUEST'
  | 'STATE_INVALID'
  | 'LINK_MISMATCH'
  | 'VERIFIER_MISMATCH'
  | 'LOGIN_INCOMPLETE'
  | 'LINK_NOT_FOUND'
  | 'UPSTREAM_UNAVAILABLE';

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
  readonly status: number;
  readonly description?: string;
  readonly details?: Record<string, unknown>;
  readonly retryAfter?: number;

  constructor(code: ErrorCode, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.description = options.description;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  /** Only 4xx messages are meant for clients; 5xx ones are replaced by a generic text. */
  get exposeMessage(): boolean {
    return this.status < 500 || this.code !== 'INTERNAL_SERVER_ERROR';
  }
}

export interface ErrorEnvelope {
  meta: { request_id: string };
  error: { code: string; message: string; description?: string } & Record<string, unknown>;
}

export function toEnvelope(err: AppError, requestId: string): ErrorEnvelope {
  const error: ErrorEnvelope['error'] = {
    code: err.code,
    message: err.exposeMessage ? err.message : 'Internal server error.',
  };
  if (err.description !== undefined) error.description = err.description;
  if (err.details !== undefined) Object.assign(error, err.details);
  return { meta: { request_id: requestId }, error };
}
