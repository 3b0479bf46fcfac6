// The one Express error handler: AppError (and body-parser errors) become the wire envelope.
import type { NextFunction, Request, Response } from 'express';
import { AppError, toEnvelope } from '../errors';
import { requestIdOf } from './request-id';
import { noteRequestError } from './request-log';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps anything thrown to an AppError; unknown errors become a 500 whose details stay in the log. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const parserError = err as BodyParserError;
  if (parserError?.type === 'entity.parse.failed')
    return new AppError('BAD_REQUEST', 400, 'The request body is not valid JSON.');
  if (parserError?.type === 'entity.too.large')
    return new AppError('UNPROCESSABLE_ENTITY', 413, 'The request body is too large.');
  if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported')
    return new AppError('BAD_REQUEST', 415, 'Unsupported request body encoding.');
  // Any other client error body-parser or Express raise (a corrupt gzip body, say) is the client's.
  const clientError = err as { expose?: boolean; status?: number };
  if (
    clientError?.expose === true &&
    Number(clientError.status) >= 400 &&
    Number(clientError.status) < 500
  )
    return new AppError(
      'BAD_REQUEST',
      Number(clientError.status),
      'The request could not be read.',
    );
  return new AppError('INTERNAL_SERVER_ERROR', 500, 'Internal server error.', { cause: err });
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
  throw new AppError('NOT_FOUND', 404, 'No such route.');
}
