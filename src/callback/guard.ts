// Checks before the callback's own work: https behind a proxy, then the per-address rate limit.
import type { NextFunction, Request, Response } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppError } from '../errors';
import { toAppError } from '../http/error-handler';
import { warnServerFailure } from '../http/request-log';
import type { Logger } from '../lib/logger';
import { requireForwardedHttps } from '../http/forwarded-https';
import { clientAddressOf, consumeRequest } from '../http/rate-limit';
import { textsFor } from '../pages/i18n';
import { sendPage } from '../pages/respond';
import type { ResultPages } from '../pages/result-pages';

export interface CallbackGuardOptions {
  /** A proxy terminates TLS in front ("trust proxy" set): refuse what did not reach it over https. */
  behindProxy: boolean;
  /** Per client address; none: no limit (tests that do not opt in). */
  limiter?: RateLimiterAbstract;
  logger: Logger;
  pages: ResultPages;
}

/** A refused callback: the failure page with the code (the state is not read, so no return_url). */
function sendCallbackRefusal(req: Request, res: Response, pages: ResultPages, failure: AppError) {
  res.locals.outcome = failure.code;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (failure.retryAfter !== undefined) res.setHeader('Retry-After', String(failure.retryAfter));
  const texts = textsFor(req);
  sendPage(res, failure.status, pages.csp, texts, pages.failure(texts, failure.code));
}

export function callbackGuard(options: CallbackGuardOptions) {
  return async function guardCallback(
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    try {
      if (options.behindProxy) requireForwardedHttps(req);
      if (options.limiter) await consumeRequest(options.limiter, clientAddressOf(req));
    } catch (err) {
      const failure = toAppError(err);
      warnServerFailure(options.logger, req, failure, 'callback refused');
      sendCallbackRefusal(req, res, options.pages, failure);
      return;
    }
    next();
  };
}
