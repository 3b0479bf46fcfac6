// One log line per request: request id, method, path (never the query: it carries state and verifier),
// the client's address (as TRUST_PROXY lets Express read it), status, outcome code and latency. Written
// straight to the one pino logger when the answer is done: pino-http built two child loggers per request
// for the same line, about a seventh of the callback's CPU.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import type { RandomSource } from '../lib/ids';
import { clientAddressOf } from './rate-limit';
import { createRequestIdGenerator, requestIdOf } from './request-id';

function pathOnly(url: string | undefined): string {
  // A start link's token is a bearer secret: its path is logged with the token replaced.
  const path = (url ?? '').split('?')[0]!.replace(/^\/start\/[^/]+/i, '/start/{token}');
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/** What an error path leaves for the request's line: the cause of a 5xx (see errorHandler). */
type LoggedResponse = ServerResponse & { err?: Error; locals?: Record<string, unknown> };

function writeRequestLine(
  logger: Logger,
  req: Request,
  res: LoggedResponse,
  startedAt: number,
): void {
  const locals = res.locals ?? {};
  const line: Record<string, unknown> = {
    request_id: requestIdOf(req),
    req: { method: req.method, path: pathOnly(req.originalUrl) },
    // The address the rate limits count: behind TRUST_PROXY, the one the trusted proxy saw.
    client_address: clientAddressOf(req),
    res: { status: res.statusCode },
    latency_ms: Math.round(performance.now() - startedAt),
    // The client went away before the answer was written out (the work may still finish).
    outcome:
      locals.outcome ??
      (!res.writableFinished ? 'CLIENT_CLOSED' : res.statusCode < 400 ? 'OK' : undefined),
  };
  if (locals.onboardingId) line.onboarding_id = locals.onboardingId;
  // A 5xx that is an answer, not a failure (the start link's waiting page) is logged as completed.
  if (res.err || (res.statusCode >= 500 && locals.expected !== true)) {
    line.err = res.err ?? new Error(`failed with status code ${res.statusCode}`);
    logger.error(line, 'request failed');
  } else logger.info(line, 'request completed');
}

/** Hands a 5xx's cause to the request's line, which logs it as `err`. */
export function noteRequestError(res: ServerResponse, err: Error): void {
  (res as LoggedResponse).err = err;
}

export function requestLog(logger: Logger, random: RandomSource) {
  const generateRequestId = createRequestIdGenerator(random);
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const startedAt = performance.now();
    (req as IncomingMessage & { id?: string }).id = generateRequestId(req, res);
    // 'close' follows 'finish' on a completed answer and also comes alone when the client aborts.
    res.once('close', () => writeRequestLine(logger, req, res, startedAt));
    next();
  };
}

/** A handler's warning about the 5xx it answers, with its cause, tied to the request's line by request_id. */
export function warnServerFailure(
  logger: Logger,
  req: IncomingMessage,
  failure: AppError,
  message: string,
): void {
  if (failure.status < 500) return;
  logger.warn(
    { request_id: requestIdOf(req), err: failure.cause ?? failure, code: failure.code },
    message,
  );
}
