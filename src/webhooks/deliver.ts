// One delivery attempt: POST the signed body, classify the answer as delivered, retry or give up.
import { request, type Dispatcher } from 'undici';
import type { QueuedWebhook } from '../store/store';
import type { Signer } from './signer';

/** `status`: the receiver's HTTP status; null when no answer came (a timeout, a network error). */
export type DeliveryOutcome =
  | { result: 'delivered'; status: number }
  /** Worth trying again: 5xx, 408, 429, 3xx, a timeout or a network error. */
  | { result: 'retry'; error: string; status: number | null; retryAfterSeconds: number | null }
  /** Refused for good: any other 4xx. */
  | { result: 'refused'; error: string; status: number };

export interface DeliveryTarget {
  url: string;
  sign: Signer;
  dispatcher: Dispatcher;
  timeoutMs: number;
  userAgent?: string;
}

function retryAfterOf(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export async function deliverWebhook(
  target: DeliveryTarget,
  webhook: QueuedWebhook,
  nowMs: number,
): Promise<DeliveryOutcome> {
  try {
    const response = await request(target.url, {
      method: 'POST',
      dispatcher: target.dispatcher,
      headers: {
        'content-type': 'application/json',
        'user-agent': target.userAgent ?? 'login-link-receiver',
        ...target.sign(webhook.webhook_id, nowMs, webhook.body),
      },
      body: webhook.body,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    // The answer's body means nothing to us; read and drop it so the connection is reused.
    await response.body.dump({ limit: 65536 }).catch(() => {});
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { result: 'delivered', status };
    if (status >= 400 && status < 500 && status !== 408 && status !== 429)
      return { result: 'refused', error: `HTTP ${status}`, status };
    return {
      result: 'retry',
      error: `HTTP ${status}`,
      status,
      retryAfterSeconds: retryAfterOf(response.headers['retry-after']),
    };
  } catch (err) {
    const name = (err as Error)?.name ?? '';
    const code = (err as NodeJS.ErrnoException)?.code ?? '';
    const timeout = name === 'TimeoutError' || /TIMEOUT/.test(code);
    return {
      result: 'retry',
      error: timeout ? 'timeout' : `network error ${code || name}`.trim(),
      status: null,
      retryAfterSeconds: null,
    };
  }
}
