// The upstream's wire types, as the Supermetrics API reference gives them, and the client's public interface.

export type LinkStatus = 'OPEN' | 'CLOSED' | 'EXPIRED';

/** A login link as GET/POST/PATCH/PUT close return it (the API reference's LoginLink object). */
export interface LoginLink {
  link_id: string;
  status_code: LinkStatus;
  description: string;
  ds_id: string;
  ds_name: string;
  require_username: string;
  redirect_url: string;
  redirect_verifier: string;
  user_id: string;
  user_email: string;
  login_url: string;
  created_time: string;
  expiry_time: string;
  login_id: string | null;
  login_time: string | null;
  login_username: string | null;
}

/** An entry of GET /ds/login/links: the API reference lists no redirect or login fields for it. */
export type LoginLinkSummary = Omit<
  LoginLink,
  'redirect_url' | 'redirect_verifier' | 'login_id' | 'login_time' | 'login_username'
> &
  Partial<
    Pick<
      LoginLink,
      'redirect_url' | 'redirect_verifier' | 'login_id' | 'login_time' | 'login_username'
    >
  >;

export interface CreateLinkInput {
  ds_id: string;
  /** Date, datetime or relative string ("24 hours"). */
  expiry_time: string;
  description?: string;
  require_username?: string;
  redirect_url?: string;
}

export interface RateLimitInfo {
  /** X-RateLimit-Limit, or null when absent or malformed. */
  limit: number | null;
  /** X-RateLimit-Remaining, or null when absent or malformed. */
  remaining: number | null;
}

export interface ApiResult<T> {
  data: T;
  /** meta.request_id of the upstream answer. */
  requestId: string;
  rateLimit: RateLimitInfo;
}

export interface CallOptions {
  /** Our request id, sent upstream as X-Request-Id. */
  requestId?: string;
  signal?: AbortSignal;
}

/** Observes every HTTP exchange (one per attempt): for metrics and the rate-limit budget. */
export interface ExchangeInfo {
  endpoint: 'list' | 'get' | 'create' | 'update' | 'close';
  method: string;
  /** HTTP status, or null when no answer came (network error, timeout). */
  status: number | null;
  durationMs: number;
  attempt: number;
  rateLimit: RateLimitInfo;
  /** Retry-After in seconds on a 429/503, if given. */
  retryAfterSeconds: number | null;
}

export interface SupermetricsClient {
  listLinks(options?: CallOptions): Promise<ApiResult<LoginLinkSummary[]>>;
  getLink(linkId: string, options?: CallOptions): Promise<ApiResult<LoginLink>>;
  /** Never retried once the request may have reached the server: a retry could create a second link. */
  createLink(input: CreateLinkInput, options?: CallOptions): Promise<ApiResult<LoginLink>>;
  updateLinkDescription(
    linkId: string,
    description: string,
    options?: CallOptions,
  ): Promise<ApiResult<LoginLink>>;
  closeLink(linkId: string, options?: CallOptions): Promise<ApiResult<LoginLink>>;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

/** The upstream's link_id rule: the API reference gives ^[A-Za-z0-9_-]+$ and at most 50 characters. */
export const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{1,50}$/;
