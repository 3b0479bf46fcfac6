// GET /callback: validate, verify, complete, then send the browser on (return_url or a result page in the
// customer's language). An upstream too slow or down is no failure for the customer: the connection is
// being confirmed, and the reconciler finishes it.
import type { Request, Response } from 'express';
import { toAppError } from '../http/error-handler';
import { requestIdOf } from '../http/request-id';
import { warnServerFailure } from '../http/request-log';
import type { Logger } from '../lib/logger';
import { withQuery } from '../onboarding/return-url';
import { textsFor, type Catalogue } from '../pages/i18n';
import { sendPage } from '../pages/respond';
import type { OnboardingRecord } from '../store/store';
import type { ResultPages } from './pages';
import { parseCallbackParams, type CallbackParams } from './params';
import { tryAgainUrl } from './try-again';
import { CallbackFailure, type CallbackHandler } from './verify';

export interface CallbackRouteDeps {
  handleCallback: CallbackHandler;
  logger: Logger;
  pages: ResultPages;
  /** PUBLIC_URL: the base of the start link a failure page offers. */
  publicUrl: string;
}

/**
 * 303 to the integrator's page. The URL was checked against RETURN_URL_ORIGINS at creation and
 * serialised by the URL API, so it is already encoded; no body, so no content negotiation for one.
 */
function redirectTo(res: Response, location: string): void {
  res.status(303).setHeader('Location', location);
  res.setHeader('Content-Length', '0');
  res.end();
}

export function callbackRoute(deps: CallbackRouteDeps) {
  const { handleCallback, logger, pages } = deps;

  /** Accepted, not failed: the onboarding stays pending and its reconciliation check comes soon. */
  function answerProcessing(res: Response, texts: Catalogue, record: OnboardingRecord): void {
    if (record.return_url)
      return redirectTo(
        res,
        withQuery(record.return_url, { onboarding_id: record.onboarding_id, status: 'processing' }),
      );
    sendPage(res, 202, pages.csp, texts, pages.processing(texts, record.ds_name));
  }

  return async function callback(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const texts = textsFor(req);
    const queryStart = req.originalUrl.indexOf('?');
    const rawQuery = queryStart === -1 ? '' : req.originalUrl.slice(queryStart + 1);
    let params: CallbackParams | null = null;
    try {
      params = parseCallbackParams(rawQuery);
      const { record, replayed } = await handleCallback(params, requestIdOf(req));
      res.locals.outcome = replayed ? 'COMPLETED_REPLAY' : 'COMPLETED';
      res.locals.onboardingId = record.onboarding_id;
      if (record.return_url) {
        redirectTo(
          res,
          withQuery(record.return_url, {
            onboarding_id: record.onboarding_id,
            status: 'completed',
          }),
        );
        return;
      }
      sendPage(res, 200, pages.csp, texts, pages.success(texts, record.ds_name));
    } catch (err) {
      const failure = toAppError(err);
      res.locals.outcome = failure.code;
      const record = err instanceof CallbackFailure ? err.record : null;
      warnServerFailure(logger, req, failure, 'callback failed');
      if (record) res.locals.onboardingId = record.onboarding_id;
      if (record && failure.code === 'UPSTREAM_UNAVAILABLE')
        return answerProcessing(res, texts, record);
      if (failure.retryAfter !== undefined)
        res.setHeader('Retry-After', String(failure.retryAfter));
      if (record?.return_url) {
        redirectTo(
          res,
          withQuery(record.return_url, {
            onboarding_id: record.onboarding_id,
            status: 'failed',
            error: failure.code,
          }),
        );
        return;
      }
      const again = params ? tryAgainUrl(record, params.state, deps.publicUrl) : null;
      sendPage(res, failure.status, pages.csp, texts, pages.failure(texts, failure.code, again));
    }
  };
}
