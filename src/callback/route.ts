// GET /callback: validate, verify, complete, then send the browser on (return_url or a result page).
import type { Request, Response } from 'express';
import { toAppError } from '../http/error-handler';
import { requestIdOf } from '../http/request-id';
import { warnServerFailure } from '../http/request-log';
import type { Logger } from '../lib/logger';
import { withQuery } from '../onboarding/return-url';
import { failurePage, PAGE_CSP, successPage } from './pages';
import { parseCallbackParams } from './params';
import { CallbackFailure, type CallbackHandler } from './verify';

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Content-Security-Policy', PAGE_CSP).type('html').send(html);
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

export function callbackRoute(handleCallback: CallbackHandler, logger: Logger) {
  return async function callback(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const queryStart = req.originalUrl.indexOf('?');
    const rawQuery = queryStart === -1 ? '' : req.originalUrl.slice(queryStart + 1);
    try {
      const { record, replayed } = await handleCallback(
        parseCallbackParams(rawQuery),
        requestIdOf(req),
      );
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
      sendPage(res, 200, successPage(record.ds_name));
    } catch (err) {
      const failure = toAppError(err);
      res.locals.outcome = failure.code;
      const record = err instanceof CallbackFailure ? err.record : null;
      warnServerFailure(logger, req, failure, 'callback failed');
      if (record) res.locals.onboardingId = record.onboarding_id;
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
      sendPage(res, failure.status, failurePage(failure.code));
    }
  };
}
