// HTTP controls under /_simulator/ for integrators' own tests: faults, settings, logins, links, request log.
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { secretsEqual } from '../lib/constant-time';
import type { LoginLink } from '../supermetrics/types';
import { LoginRefusedError, type LoginRefusal } from './authentication';
import { faultSpecProblem } from './faults';
import { settingsProblem, type SimulatorSettings } from './settings';
import type { FaultSpec, LoginAttempt, Simulator } from './types';

export type SimulatorControls = Pick<
  Simulator,
  | 'faults'
  | 'requests'
  | 'requestCounts'
  | 'clearRequests'
  | 'getLink'
  | 'authenticate'
  | 'startAttempt'
  | 'settings'
  | 'updateSettings'
  | 'setLink'
>;

const REFUSAL_STATUS: Record<LoginRefusal, number> = {
  LINK_NOT_FOUND: 404,
  LINK_NOT_OPEN: 409,
  USERNAME_MISMATCH: 400,
};

export function createControlRouter(controls: SimulatorControls, apiKey: string): express.Router {
  const router = express.Router();
  router.use(requireKey(apiKey));
  router.use(express.json());
  router.post('/faults', (req, res) => {
    const problem = faultSpecProblem(req.body);
    if (problem) return sendProblem(res, 400, 'INVALID_FAULT', problem);
    controls.faults.inject(req.body as FaultSpec);
    res.status(204).end();
  });
  router.delete('/faults', (_req, res) => {
    controls.faults.clear();
    res.status(204).end();
  });
  router.get('/settings', (_req, res) => res.json(controls.settings()));
  router.patch('/settings', (req, res) => {
    const problem = settingsProblem(req.body);
    if (problem) return sendProblem(res, 400, 'INVALID_SETTINGS', problem);
    controls.updateSettings(req.body as Partial<SimulatorSettings>);
    res.json(controls.settings());
  });
  router.get('/requests', (_req, res) => res.json(controls.requests));
  router.get('/requests/counts', (_req, res) => res.json(controls.requestCounts()));
  router.delete('/requests', (_req, res) => {
    controls.clearRequests();
    res.status(204).end();
  });
  router.get('/links/:link_id', (req, res) => {
    const link = controls.getLink(String(req.params.link_id));
    return link ? res.json(link) : sendProblem(res, 404, 'LINK_NOT_FOUND', 'No such link.');
  });
  router.patch('/links/:link_id', (req, res) => {
    if (!controls.getLink(String(req.params.link_id)))
      return sendProblem(res, 404, 'LINK_NOT_FOUND', 'No such link.');
    try {
      controls.setLink(String(req.params.link_id), req.body as Partial<LoginLink>);
    } catch (error) {
      return sendProblem(res, 400, 'INVALID_REQUEST', (error as Error).message);
    }
    res.status(204).end();
  });
  const attempts = new Map<string, LoginAttempt>();
  router.post('/links/:link_id/attempts', startAttemptOverHttp(controls, attempts));
  router.post('/links/:link_id/authenticate', authenticateOverHttp(controls, attempts));
  router.use((_req, res) => sendProblem(res, 404, 'NOT_FOUND', 'No such control.'));
  router.use(controlErrorHandler);
  return router;
}

function requireKey(apiKey: string): RequestHandler {
  return function checkControlKey(req, res, next) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match || !secretsEqual(match[1]!, apiKey))
      return sendProblem(res, 401, 'UNAUTHORIZED', 'Authentication is required.');
    next();
  };
}

function sendProblem(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** Opening the login page over the controls: 201 {attempt_id}, to finish with authenticate later. */
function startAttemptOverHttp(
  controls: SimulatorControls,
  attempts: Map<string, LoginAttempt>,
): RequestHandler {
  return function startAttempt(req, res) {
    try {
      const attempt = controls.startAttempt(String(req.params.link_id));
      attempts.set(attempt.attemptId, attempt);
      res.status(201).json({ attempt_id: attempt.attemptId });
    } catch (error) {
      if (!(error instanceof LoginRefusedError)) throw error;
      sendProblem(res, REFUSAL_STATUS[error.reason], error.reason, error.message);
    }
  };
}

function authenticateOverHttp(
  controls: SimulatorControls,
  attempts: Map<string, LoginAttempt>,
): RequestHandler {
  return function authenticate(req, res) {
    const body = (req.body ?? {}) as {
      username?: unknown;
      loginVisibleAfterReads?: unknown;
      attempt_id?: unknown;
    };
    if (body.username !== undefined && typeof body.username !== 'string')
      return sendProblem(res, 400, 'INVALID_REQUEST', 'username must be a string');
    const linkId = String(req.params.link_id);
    let attempt: LoginAttempt | undefined;
    if (body.attempt_id !== undefined) {
      attempt = attempts.get(String(body.attempt_id));
      if (!attempt || attempt.linkId !== linkId)
        return sendProblem(res, 404, 'ATTEMPT_NOT_FOUND', 'No such attempt on this link.');
    }
    const lag = body.loginVisibleAfterReads;
    if (lag !== undefined && !(Number.isInteger(lag) && (lag as number) >= 0))
      return sendProblem(
        res,
        400,
        'INVALID_REQUEST',
        'loginVisibleAfterReads must be a whole number',
      );
    try {
      const options = {
        username: body.username,
        loginVisibleAfterReads: lag as number | undefined,
      };
      const { redirectUrl } = attempt
        ? attempt.authenticate(options)
        : controls.authenticate(linkId, options);
      res.json({ redirect_url: redirectUrl });
    } catch (error) {
      if (!(error instanceof LoginRefusedError)) throw error;
      sendProblem(res, REFUSAL_STATUS[error.reason], error.reason, error.message);
    }
  };
}

const controlErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return sendProblem(
      res,
      status,
      'INVALID_REQUEST',
      'The request body could not be read as JSON.',
    );
  sendProblem(res, 500, 'INTERNAL_ERROR', err instanceof Error ? err.message : String(err));
};
