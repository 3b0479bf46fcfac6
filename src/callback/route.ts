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
import type { ResultPages } from '../pages/result-pages';
import { parseCallbackParams, type CallbackParams } from './params';
import { openerNoticeScript, openerOfLink, type OpenerResult } from '../pages/opener';
import { tryAgainUrl } from './try-again';
import { CallbackFailure, type CallbackHandler } from './verify';

export interface CallbackRouteDeps {
  handleCallback: CallbackHandler;
  logger: Logger;
  pages: ResultPages;
  /** PUBLIC_URL: the base of the start link a failure page offers. */
  publicUrl: string;
  /** RETURN_URL_ORIGINS: the only web apps an SDK popup's result is posted to. */
  returnUrlOrigins: readonly string[];
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

  /** Sends a result page; opened by the SDK, it also posts the result to its opener's origin. */
  function sendResult(
    res: Response,
    status: number,
    texts: Catalogue,
    opener: { origin: string; result: OpenerResult } | null,
    render: (script?: string) => string,
  ): void {
    if (!opener) return sendPage(res, status, pages.csp, texts, render());
    const script = openerNoticeScript(opener.origin, opener.result);
    sendPage(res, status, pages.cspWithScript(script), texts, render(script));
  }

  return async function callback(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // This page may be shown in the SDK's popup: keep its opener (the API keeps helmet's policy).
    res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
    const texts = textsFor(req);
    const queryStart = req.originalUrl.indexOf('?');
    const rawQuery = queryStart === -1 ? '' : req.originalUrl.slice(queryStart + 1);
    let params: CallbackParams | null = null;
    try {
      params = parseCallbackParams(rawQuery);
      const { record, replayed } = await handleCallback(params, requestIdOf(req));
      res.locals.outcome = replayed ? 'COMPLETED_REPLAY' : 'COMPLETED';
      res.locals.onboardingId = record.onboarding_id;
      const origin = openerOfLink(record, record.link_id, deps.returnUrlOrigins);
      if (record.return_url && !origin) {
        redirectTo(
          res,
          withQuery(record.return_url, {
            onboarding_id: record.onboarding_id,
            status: 'completed',
          }),
        );
        return;
      }
      const result = { status: 'completed' as const, onboarding_id: record.onboarding_id };
      sendResult(res, 200, texts, origin ? { origin, result } : null, (script) =>
        pages.success(texts, record.ds_name, script),
      );
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
      const origin = record && openerOfLink(record, params?.linkId ?? null, deps.returnUrlOrigins);
      if (record?.return_url && !origin) {
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
      const result = record && {
        status: 'failed' as const,
        onboarding_id: record.onboarding_id,
        code: failure.code,
      };
      sendResult(
        res,
        failure.status,
        texts,
        origin && result ? { origin, result } : null,
        (script) => pages.failure(texts, failure.code, again, script),
      );
    }
  };
}
