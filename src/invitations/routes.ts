// GET and POST /start/<token>, the browser-facing start link: pages only, rate-limited per client
// address like /callback; the token is in the address, so nothing here may be cached or referred.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { allowedOpener } from '../pages/opener';
import type { ResultPages } from '../pages/result-pages';
import { toAppError } from '../http/error-handler';
import { requestIdOf } from '../http/request-id';
import { warnServerFailure } from '../http/request-log';
import type { Logger } from '../lib/logger';
import { parseStartToken } from '../onboarding/start-token';
import { withQuery } from '../onboarding/return-url';
import { textsFor } from '../pages/i18n';
import { sendPage } from '../pages/respond';
import { WAITING_RETRY_SECONDS, type StartPages } from './pages';
import type { StartAnswer, StartFlow } from './start-flow';

/**
 * Express's URIError for a path parameter it cannot decode (a start link mangled on its way, say a
 * broken %-escape): no token of ours, and nothing of it may reach the log through the error.
 */
export function isMangledToken(err: unknown): boolean {
  return err instanceof URIError;
}

export interface StartRoutesDeps {
  flow: StartFlow;
  logger: Logger;
  /** The start link's pages (their CSP lets the Continue POST be redirected to the upstream's origin). */
  pages: StartPages;
  /** The result pages (connected, not connected), shared with the callback. */
  results: ResultPages;
  publicUrl: string;
  /** RETURN_URL_ORIGINS: the web apps whose SDK popups may be told the result. */
  returnUrlOrigins: readonly string[];
  onOutcome(outcome: string): void;
}

function redirect(res: Response, location: string): void {
  res.status(303).setHeader('Location', location).setHeader('Content-Length', '0').end();
}

export function startRoutes(deps: StartRoutesDeps): Router {
  const router = Router();
  const { pages, results } = deps;

  /** The answer as a page (or a redirect), the outcome noted for the log line and the metrics. */
  function answer(
    req: Request,
    res: Response,
    result: StartAnswer,
    posted: boolean,
    opener: string | null,
  ): void {
    const startPath = `/start/${req.params.token}`;
    const texts = textsFor(req);
    const outcome = (name: string) => {
      res.locals.outcome = name.toUpperCase();
      if (posted) deps.onOutcome(name);
    };
    if ('record' in result) res.locals.onboardingId = result.record.onboarding_id;
    switch (result.kind) {
      case 'unknown':
        res.locals.outcome = 'NOT_FOUND';
        return sendPage(res, 404, pages.csp.plain, texts, pages.unknownLink(texts));
      case 'ended':
        outcome('ended');
        return sendPage(res, 410, pages.csp.plain, texts, pages.ended(texts));
      case 'refused':
        res.locals.outcome = result.code;
        return sendPage(res, 422, pages.csp.plain, texts, pages.refused(texts));
      case 'completed':
        outcome('completed');
        if (posted && result.record.return_url)
          return redirect(
            res,
            withQuery(result.record.return_url, {
              onboarding_id: result.record.onboarding_id,
              status: 'completed',
            }),
          );
        return sendPage(
          res,
          200,
          results.csp,
          texts,
          results.success(texts, result.record.ds_name),
        );
      case 'waiting':
        outcome('waiting');
        res.locals.expected = true;
        res.setHeader('Retry-After', String(WAITING_RETRY_SECONDS));
        return sendPage(
          res,
          503,
          pages.csp.waiting,
          texts,
          pages.waiting(texts, startPath, result.record.ds_name, opener),
        );
      case 'show':
        res.locals.outcome = 'START_PAGE';
        return sendPage(
          res,
          200,
          pages.csp.start,
          texts,
          pages.start(texts, startPath, result.record.ds_name, result.record.description, opener),
        );
      case 'login':
        outcome(result.outcome);
        return redirect(res, result.loginUrl);
    }
  }

  function handle(posted: boolean) {
    return async (req: Request, res: Response): Promise<void> => {
      res.setHeader('Referrer-Policy', 'no-referrer');
      // These pages may be shown in the SDK's popup: keep its opener (the API keeps helmet's policy).
      res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
      try {
        const token = String(req.params.token);
        // The SDK names the page that opened the window: ?origin= on the link, then the form field.
        const opener = allowedOpener(
          posted ? (req.body as Record<string, unknown> | undefined)?.origin : req.query.origin,
          deps.returnUrlOrigins,
        );
        const result = posted
          ? await deps.flow.start(token, requestIdOf(req), opener)
          : await deps.flow.look(token);
        answer(req, res, result, posted, opener);
      } catch (err) {
        const failure = toAppError(err);
        res.locals.outcome = failure.code;
        warnServerFailure(deps.logger, req, failure, 'start link failed');
        if (failure.retryAfter !== undefined)
          res.setHeader('Retry-After', String(failure.retryAfter));
        // The start link itself is where the customer tries again: a link to this same address
        // ("?"), so the page's HTML does not repeat the token (only a well-formed one is linked).
        const again = parseStartToken(String(req.params.token)) ? '?' : null;
        const texts = textsFor(req);
        sendPage(
          res,
          failure.status,
          results.csp,
          texts,
          results.failure(texts, failure.code, again),
        );
      }
    };
  }

  router.get('/start/:token', handle(false));
  router.post(
    '/start/:token',
    express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 }),
    handle(true),
  );
  // A start link mangled on its way (a broken %-escape) is no token of ours: the unknown-link page,
  // and nothing of it in the log (the router's decoding error would carry it).
  router.use('/start', (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!isMangledToken(err)) return next(err);
    res.locals.outcome = 'NOT_FOUND';
    const texts = textsFor(req);
    sendPage(res, 404, pages.csp.plain, texts, pages.unknownLink(texts));
  });
  return router;
}
