// Types of login-link-receiver's browser SDK (GET /sdk/connect.d.ts).

export interface ConnectOptions {
  /** "popup" (default): a window the customer signs in in; "redirect": the whole page goes there. */
  mode?: 'popup' | 'redirect';
  /** Give up with TIMEOUT after this many milliseconds (default 30 minutes). */
  timeoutMs?: number;
}

export interface ConnectResult {
  onboarding_id: string;
  status: 'completed';
}

/** The Error a failed connect() rejects with. */
export interface ConnectError extends Error {
  /** EXPIRED, CANCELLED, POPUP_BLOCKED, TIMEOUT, INVALID_START_URL, or a callback code. */
  code: string;
}

/** Opens the start link; resolves when the onboarding completes. Call it from a click handler. */
export function connect(startUrl: string, options?: ConnectOptions): Promise<ConnectResult>;
