// Rate limits kept in Redis (or in memory in sandbox): per client address on /callback, per API key on /v1.
import type { NextFunction, Request, Response } from 'express';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { AppError } from '../errors';
import { StoreUnavailableError } from '../store/errors';
import type { Cluster, Redis } from 'ioredis';
import type { AuthenticatedLocals } from './auth';

export interface RateLimits {
  /** Requests per minute per client address on /callback. */
  callbackPerMinute: number;
  /** Requests per minute per API key on /v1. */
  apiPerMinute: number;
}

export interface RateLimiters {
  callback: RateLimiterAbstract;
  api: RateLimiterAbstract;
}

const WINDOW_SECONDS = 60;

function checkLimits(limits: RateLimits): void {
  for (const [name, value] of Object.entries(limits))
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`rate limit ${name} must be a whole number of at least 1 (got ${value})`);
}

/**
 * Limiters on the app's Redis connection (a single node or a Cluster: each step is one key, one
 * script). Keys: `<prefix>:rl:callback:<address>` and `<prefix>:rl:api:<hash of the key>`.
 */
export function createRedisRateLimiters(
  redis: Redis | Cluster,
  limits: RateLimits,
  /** The storage's key prefix, so the counters sit beside its keys. */
  prefix: string,
): RateLimiters {
  checkLimits(limits);
  // ioredis is the library's default client. Failing fast while Redis is away is the connection's
  // job (maxRetriesPerRequest, commandTimeout), exactly as for the store's own commands.
  const make = (name: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rl:${name}`,
      points,
      duration: WINDOW_SECONDS,
    });
  return {
    callback: make('callback', limits.callbackPerMinute),
    api: make('api', limits.apiPerMinute),
  };
}

/** Limiters for the sandbox's in-memory store: one process only. */
export function createMemoryRateLimiters(limits: RateLimits): RateLimiters {
  checkLimits(limits);
  const make = (name: string, points: number) =>
    new RateLimiterMemory({ keyPrefix: `rl:${name}`, points, duration: WINDOW_SECONDS });
  return {
    callback: make('callback', limits.callbackPerMinute),
    api: make('api', limits.apiPerMinute),
  };
}

/**
 * Takes one request from `key`'s budget. Over the limit: TOO_MANY_REQUESTS (429, Retry-After).
 * Limiter store unreachable: a StoreUnavailableError (503 SERVICE_UNAVAILABLE), like every other
 * Redis failure. We fail closed rather than open: the request would need Redis next anyway, and an
 * outage must not switch the limits off.
 */
export async function consumeRequest(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      throw new AppError('TOO_MANY_REQUESTS', 'Too many requests; retry later.', {
        retryAfter: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
      });
    }
    throw new StoreUnavailableError(err);
  }
}

/** The callback's key: the client address, after Express's "trust proxy" (req.ip). */
export function clientAddressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * /v1 middleware, after authentication: limits per API key, keyed by the key's hash id (never the
 * key itself). Without limiters (tests that do not opt in) it does nothing.
 */
export function limitApiByKey(limiters: RateLimiters | undefined) {
  return function rateLimitApi(_req: Request, res: Response, next: NextFunction): void {
    if (!limiters) return next();
    const keyId = (res.locals as Partial<AuthenticatedLocals>).apiKeyId;
    if (!keyId) return next(new Error('limitApiByKey must run after requireApiKey'));
    consumeRequest(limiters.api, keyId).then(() => next(), next);
  };
}
