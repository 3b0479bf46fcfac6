// The upstream API under /enterprise/v2: bearer auth, hourly budget, and the five link endpoints.
import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Clock } from '../lib/clock';
import { secretsEqual } from '../lib/constant-time';
import type { RandomSource } from '../lib/ids';
import { LINK_ID_PATTERN } from '../supermetrics/types';
import { validateCreateLink, validateUpdateLink } from './link-input';
import type { LinkStore } from './link-store';
import { setRateLimitHeaders, type HourlyRateLimiter } from './rate-limit';
import {
  assignRequestId,
  sendData,
  sendError,
  sendLinkNotFound,
  sendValidationError,
} from './wire';

export interface ApiRouteDeps {
  store: LinkStore;
  limiter: HourlyRateLimiter;
  apiKey: string;
  clock: Clock;
  random: RandomSource;
  linkLimit: number;
  /** The base of login_url for links created by this request. */
  loginBaseUrl(req: Request): string;
}

export function createApiRouter(deps: ApiRouteDeps): express.Router {
  const router = express.Router();
  router.use(apiResponseHeaders(deps.random));
  router.use(authenticateAndCount(deps));
  router.use(express.json());
  router.get('/ds/login/links', listLinks(deps));
  router.get('/ds/login/link/:link_id', withLinkId(getLink(deps)));
  router.post('/ds/login/link', createLink(deps));
  router.patch('/ds/login/link/:link_id', withLinkId(updateLink(deps)));
  router.put('/ds/login/link/:link_id/close', withLinkId(closeLink(deps)));
  router.use((_req, res) =>
    sendError(res, 404, 'NOT_FOUND', 'The requested resource was not found.'),
  );
  router.use(apiErrorHandler);
  return router;
}

function apiResponseHeaders(random: RandomSource): RequestHandler {
  return function setApiHeaders(_req, res, next) {
    res.set('Access-Control-Allow-Origin', '*');
    assignRequestId(res, random);
    next();
  };
}

function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match ? match[1]! : null;
}

/** 401 without spending budget (headers show the key's state); then one request is counted. */
function authenticateAndCount(deps: ApiRouteDeps): RequestHandler {
  return function checkKeyAndBudget(req, res, next) {
    const presented = bearerToken(req);
    if (presented === null || !secretsEqual(presented, deps.apiKey)) {
      setRateLimitHeaders(res, { ...deps.limiter.peek(deps.apiKey), retryAfterSeconds: null });
      return sendError(res, 401, 'UNAUTHORIZED', 'Authentication is required.');
    }
    const decision = deps.limiter.take(deps.apiKey);
    setRateLimitHeaders(res, decision);
    if (!decision.allowed)
      return sendError(res, 429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded. Retry later.');
    next();
  };
}

type LinkHandler = (linkId: string, req: Request, res: Response) => void;

/** The Supermetrics API reference limits link_id to ^[A-Za-z0-9_-]+$ and 50 characters; outside it
 * the answer is a 422 validation error, not a 404. */
function withLinkId(handler: LinkHandler): RequestHandler {
  return function checkLinkId(req, res) {
    const linkId = String(req.params.link_id);
    if (!LINK_ID_PATTERN.test(linkId))
      return sendValidationError(
        res,
        'link_id must match ^[A-Za-z0-9_-]+$ and be at most 50 characters.',
      );
    handler(linkId, req, res);
  };
}

/**
 * The Supermetrics API reference describes no filter, paging or order for the list: it answers
 * every link of the team not yet removed, whatever its state, so query parameters are ignored.
 */
function listLinks(deps: ApiRouteDeps): RequestHandler {
  return function listAllLinks(_req, res) {
    sendData(res, 200, deps.store.list());
  };
}

function getLink(deps: ApiRouteDeps): LinkHandler {
  return (linkId, _req, res) => {
    const link = deps.store.get(linkId, true);
    return link ? sendData(res, 200, link) : sendLinkNotFound(res);
  };
}

function createLink(deps: ApiRouteDeps): RequestHandler {
  return function addLink(req, res) {
    const input = validateCreateLink(req.body, deps.clock.now());
    if (!input.ok) return sendValidationError(res, input.description);
    if (deps.store.hasOpenAtLeast(deps.linkLimit))
      return sendError(
        res,
        403,
        'LINK_LIMIT_EXCEEDED',
        'Creating new data source login link would exceed your limit for total open links.',
      );
    const link = deps.store.create({ ...input.value, publicUrl: deps.loginBaseUrl(req) });
    sendData(res, 201, link);
  };
}

function updateLink(deps: ApiRouteDeps): LinkHandler {
  return (linkId, req, res) => {
    const input = validateUpdateLink(req.body);
    if (!input.ok) return sendValidationError(res, input.description);
    const link =
      input.value.description === undefined
        ? deps.store.get(linkId)
        : deps.store.updateDescription(linkId, input.value.description);
    return link ? sendData(res, 200, link) : sendLinkNotFound(res);
  };
}

function closeLink(deps: ApiRouteDeps): LinkHandler {
  return (linkId, _req, res) => {
    const link = deps.store.close(linkId);
    return link ? sendData(res, 200, link) : sendLinkNotFound(res);
  };
}

/** Body parser refusals (bad JSON, too large) keep their 4xx; anything else is a 500 envelope. */
const apiErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return sendError(res, status, 'BAD_REQUEST', 'The request body could not be read as JSON.');
  sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.');
};
