// The upstream's hourly request budget per API key: a fixed one-hour window from its first request.
import type { Response } from 'express';
import type { Clock } from '../lib/clock';

const WINDOW_MS = 60 * 60 * 1000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds (at least 1) until the window resets; set when not allowed. */
  retryAfterSeconds: number | null;
}

interface Window {
  startMs: number;
  used: number;
}

export class HourlyRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly budget: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one request against the key's budget, unless the budget is already spent. */
  take(key: string): RateDecision {
    const window = this.currentWindow(key, true)!;
    if (window.used >= this.budget) return this.refusal(window);
    window.used += 1;
    return {
      allowed: true,
      limit: this.budget,
      remaining: this.budget - window.used,
      retryAfterSeconds: null,
    };
  }

  /** The key's state without counting a request (for answers that do not spend budget, e.g. 401). */
  peek(key: string): RateDecision {
    const window = this.currentWindow(key, false);
    if (!window)
      return { allowed: true, limit: this.budget, remaining: this.budget, retryAfterSeconds: null };
    if (window.used >= this.budget) return this.refusal(window);
    return {
      allowed: true,
      limit: this.budget,
      remaining: this.budget - window.used,
      retryAfterSeconds: null,
    };
  }

  private currentWindow(key: string, open: boolean): Window | null {
    const now = this.clock.now();
    const existing = this.windows.get(key);
    if (existing && now < existing.startMs + WINDOW_MS) return existing;
    if (!open) return null;
    const fresh = { startMs: now, used: 0 };
    this.windows.set(key, fresh);
    return fresh;
  }

  private refusal(window: Window): RateDecision {
    const untilReset = window.startMs + WINDOW_MS - this.clock.now();
    return {
      allowed: false,
      limit: this.budget,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil(untilReset / 1000)),
    };
  }
}

export function setRateLimitHeaders(res: Response, decision: RateDecision): void {
  res.set('X-RateLimit-Limit', String(decision.limit));
  res.set('X-RateLimit-Remaining', String(decision.remaining));
  if (decision.retryAfterSeconds !== null)
    res.set('Retry-After', String(decision.retryAfterSeconds));
}
