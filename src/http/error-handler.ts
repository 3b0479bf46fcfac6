// The one Express error handler: AppError, store and body-parser errors become the wire envelope.
import type { NextFunction, Request, Response } from 'express';
import { AppError, HIDDEN_MESSAGE, toEnvelope, type ErrorCode } from '../errors';
import { InvalidCursorError, StoreUnavailableError } from '../store/errors';
import { requestIdOf } from './request-id';
import { noteRequestError } from './request-log';

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** body-parser's refusals by their `type`: the code and message the client gets. */
const BODY_PARSER_ERRORS = new Map<string, readonly [ErrorCode, string]>([
  ['entity.parse.failed', ['BAD_REQUEST', 'The request body is not valid JSON.']],
  ['entity.too.large', ['PAYLOAD_TOO_LARGE', 'The request body is too large.']],
  ['encoding.unsupported', ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported request body encoding.']],
  ['charset.unsupported', ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported request body encoding.']],
]);

/** Maps anything thrown to an AppError; unknown errors become a 500 whose details stay in the log. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreUnavailableError)
    return new AppError(
      'SERVICE_UNAVAILABLE',
      'The service cannot reach its store; retry shortly.',
      { retryAfter: 1, cause: err.cause },
    );
  // List cursors are only ever read from the `cursor` query parameter.
  if (err instanceof InvalidCursorError)
    return new AppError(
      'UNPROCESSABLE_ENTITY',
      'Invalid field "cursor": not a cursor from a previous page.',
      { details: { field: 'cursor' } },
    );
  const parserError = err as BodyParserError | null | undefined;
  const refusal = BODY_PARSER_ERRORS.get(String(parserError?.type));
  if (refusal) return new AppError(...refusal);
  // Any other client error body-parser or Express raise (a truncated body, say) is the client's.
  const status = Number(parserError?.status);
  if (parserError?.expose === true && status >= 400 && status < 500)
    return new AppError('BAD_REQUEST', 'The request could not be read.');
  return new AppError('INTERNAL_SERVER_ERROR', HIDDEN_MESSAGE, { cause: err });
}

export function sendError(req: Request, res: Response, appError: AppError): void {
  res.locals.outcome = appError.code;
  if (appError.retryAfter !== undefined) res.setHeader('Retry-After', String(appError.retryAfter));
  res.status(appError.status).json(toEnvelope(appError, requestIdOf(req)));
}

export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  const appError = toAppError(err);
  // The request's one log line (request-log.ts) carries the error; no second line here.
  if (appError.status >= 500)
    noteRequestError(res, appError.cause instanceof Error ? appError.cause : appError);
  sendError(req, res, appError);
}

export function notFoundHandler(_req: Request, _res: Response): void {
  throw new AppError('NOT_FOUND', 'No such route.');
}
