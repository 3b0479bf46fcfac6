// GET and POST /start/<token>, the browser-facing start link: pages only, rate-limited per client
// address like /callback; the token is in the address, so nothing here may be cached or referred.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { failurePage, PAGE_CSP, successPage } from '../callback/pages';
import { toAppError } from '../http/error-handler';
import { requestIdOf } from '../http/request-id';
import { warnServerFailure } from '../http/request-log';
import type { Logger } from '../lib/logger';
import { withQuery } from '../onboarding/return-url';
import {
  endedPage,
  PLAIN_CSP,
  refusedPage,
  startPage,
  startPagesCsp,
  unknownLinkPage,
  WAITING_RETRY_SECONDS,
  waitingPage,
} from './pages';
import type { StartAnswer, StartFlow } from './start-flow';

/** Express's URIError for a path parameter it cannot decode (400): the unknown-link page instead. */
export function notATokenHandler(
  err: unknown,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  if (!(err instanceof URIError)) return next(err);
  res.locals.outcome = 'NOT_FOUND';
  sendPage(res, 404, PLAIN_CSP, unknownLinkPage());
}

export interface StartRoutesDeps {
  flow: StartFlow;
  logger: Logger;
  /** The upstream's origin: where the Continue POST is redirected (the CSP form-action must allow it). */
  upstreamOrigin: string;
  onOutcome(outcome: string): void;
}

function sendPage(res: Response, status: number, csp: string, html: string): void {
  res.status(status).setHeader('Content-Security-Policy', csp).type('html').send(html);
}

function redirect(res: Response, location: string): void {
  res.status(303).setHeader('Location', location).setHeader('Content-Length', '0').end();
}

export function startRoutes(deps: StartRoutesDeps): Router {
  const router = Router();
  const csp = startPagesCsp(deps.upstreamOrigin);

  /** The answer as a page (or a redirect), the outcome noted for the log line and the metrics. */
  function answer(req: Request, res: Response, result: StartAnswer, posted: boolean): void {
    const startPath = `/start/${req.params.token}`;
    const outcome = (name: string) => {
      res.locals.outcome = name.toUpperCase();
      if (posted) deps.onOutcome(name);
    };
    if ('record' in result) res.locals.onboardingId = result.record.onboarding_id;
    switch (result.kind) {
      case 'unknown':
        res.locals.outcome = 'NOT_FOUND';
        return sendPage(res, 404, PLAIN_CSP, unknownLinkPage());
      case 'ended':
        outcome('ended');
        return sendPage(res, 410, PLAIN_CSP, endedPage());
      case 'refused':
        res.locals.outcome = result.code;
        return sendPage(res, 422, PLAIN_CSP, refusedPage());
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
        return sendPage(res, 200, PAGE_CSP, successPage(result.record.ds_name));
      case 'waiting':
        outcome('waiting');
        res.locals.expected = true;
        res.setHeader('Retry-After', String(WAITING_RETRY_SECONDS));
        return sendPage(res, 503, csp.waiting, waitingPage(startPath, result.record.ds_name));
      case 'show':
        res.locals.outcome = 'START_PAGE';
        return sendPage(
          res,
          200,
          csp.start,
          startPage(startPath, result.record.ds_name, result.record.description),
        );
      case 'login':
        outcome(result.outcome);
        return redirect(res, result.loginUrl);
    }
  }

  function handle(posted: boolean) {
    return async (req: Request, res: Response): Promise<void> => {
      res.setHeader('Referrer-Policy', 'no-referrer');
      try {
        const token = String(req.params.token);
        const result = posted
          ? await deps.flow.start(token, requestIdOf(req))
          : await deps.flow.look(token);
        answer(req, res, result, posted);
      } catch (err) {
        const failure = toAppError(err);
        res.locals.outcome = failure.code;
        warnServerFailure(deps.logger, req, failure, 'start link failed');
        if (failure.retryAfter !== undefined)
          res.setHeader('Retry-After', String(failure.retryAfter));
        sendPage(res, failure.status, PAGE_CSP, failurePage(failure.code));
      }
    };
  }

  router.get('/start/:token', handle(false));
  router.post('/start/:token', handle(true));
  // A start link mangled on its way (a broken %-escape) is no token of ours: the unknown-link page,
  // and nothing of it in the log (the router's decoding error would carry it).
  router.use('/start', notATokenHandler);
  return router;
}
