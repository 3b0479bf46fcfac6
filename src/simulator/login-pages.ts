// The pages behind login_url: the data source's sign-in form (each view a started attempt), Authenticate and Cancel.
import express, { type RequestHandler, type Response } from 'express';
import { authenticateLink, LoginRefusedError, startLoginAttempt } from './authentication';
import type { LinkStore } from './link-store';
import { loginFormPage, messagePage } from './login-page-html';
import type { SimulatorSettings } from './settings';

export interface LoginPageDeps {
  store: LinkStore;
  /** Read on every request, so a change applies from the next one. */
  settings(): Readonly<SimulatorSettings>;
}

export function createLoginRouter(deps: LoginPageDeps): express.Router {
  const router = express.Router();
  router.use(pageSecurityHeaders);
  router.use(openerPolicyHeader(deps));
  router.use(express.urlencoded({ extended: false }));
  router.get('/:token', showLoginForm(deps));
  router.post('/:token/authenticate', submitAuthentication(deps));
  router.post('/:token/cancel', cancelAuthentication(deps));
  router.use((_req, res) => sendPage(res, 404, messagePage('Not found', 'There is no such page.')));
  return router;
}

// No script may run, nothing loads from elsewhere, and the token in the URL is not leaked onward.
const pageSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
  });
  next();
};

/** Cross-Origin-Opener-Policy as the settings say, on every answer here (pages and redirects). */
function openerPolicyHeader(deps: LoginPageDeps): RequestHandler {
  return function setOpenerPolicy(_req, res, next) {
    const policy = deps.settings().loginPageOpenerPolicy;
    if (policy !== null) res.set('Cross-Origin-Opener-Policy', policy);
    next();
  };
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).type('html').send(html);
}

function sendUnknownLink(res: Response): void {
  sendPage(
    res,
    404,
    messagePage('Link not found', 'This login link does not exist or was removed.'),
  );
}

function sendNotOpen(res: Response, status: string): void {
  sendPage(
    res,
    410,
    messagePage('Link no longer open', `This login link is ${status} and cannot be used any more.`),
  );
}

function showLoginForm(deps: LoginPageDeps): RequestHandler {
  return function showForm(req, res) {
    const token = String(req.params.token);
    const linkId = deps.store.linkIdForLoginToken(token);
    const link = linkId === null ? null : deps.store.get(linkId);
    if (!link) return sendUnknownLink(res);
    if (link.status_code !== 'OPEN') return sendNotOpen(res, link.status_code);
    // Each page view is an attempt of its own, as each visit to a real login_url would be.
    const attemptId = startLoginAttempt(deps.store, link.link_id);
    sendPage(res, 200, loginFormPage(link, token, { attemptId }));
  };
}

function submittedField(body: unknown, field: 'username' | 'attempt'): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** The attempt a re-shown form carries: the one submitted if it was started, else a new one. */
function attemptForRetry(deps: LoginPageDeps, linkId: string, submitted?: string): string {
  return submitted !== undefined && deps.store.hasStartedAttempt(linkId, submitted)
    ? submitted
    : startLoginAttempt(deps.store, linkId);
}

function submitAuthentication(deps: LoginPageDeps): RequestHandler {
  return function authenticate(req, res) {
    const token = String(req.params.token);
    const linkId = deps.store.linkIdForLoginToken(token);
    if (linkId === null) return sendUnknownLink(res);
    const attemptId = submittedField(req.body, 'attempt');
    try {
      const { redirectUrl } = authenticateLink(
        deps.store,
        linkId,
        { username: submittedField(req.body, 'username') },
        attemptId,
      );
      if (redirectUrl !== null) return res.redirect(303, redirectUrl);
      sendPage(res, 200, messagePage('Authentication complete', 'You can close this window.'));
    } catch (error) {
      if (!(error instanceof LoginRefusedError)) throw error;
      const link = deps.store.get(linkId);
      if (error.reason === 'USERNAME_MISMATCH' && link)
        return sendPage(
          res,
          400,
          loginFormPage(link, token, {
            attemptId: attemptForRetry(deps, linkId, attemptId),
            error: error.message,
          }),
        );
      if (link) return sendNotOpen(res, link.status_code);
      sendUnknownLink(res);
    }
  };
}

function cancelAuthentication(deps: LoginPageDeps): RequestHandler {
  return function cancel(req, res) {
    if (deps.store.linkIdForLoginToken(String(req.params.token)) === null)
      return sendUnknownLink(res);
    sendPage(
      res,
      200,
      messagePage('Authentication cancelled', 'Nothing was shared. You can close this window.'),
    );
  };
}
