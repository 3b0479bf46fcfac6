// The upstream's response bodies: the data envelope, the error envelope and the flat 404.
import type { Response } from 'express';
import { newRequestId, type RandomSource } from '../lib/ids';

export const LINK_NOT_FOUND_MESSAGE = 'Requested data source login link was not found.';

/** Gives the request its upstream-style request id (^[A-Za-z0-9_-]+$, 24 characters). */
export function assignRequestId(res: Response, random: RandomSource): string {
  const requestId = newRequestId(random);
  res.locals.requestId = requestId;
  return requestId;
}

function requestIdOf(res: Response): string {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : 'unknown';
}

/** Sends JSON with exactly "application/json" (Express's res.set and string bodies would append a charset). */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).setHeader('Content-Type', 'application/json');
  res.send(Buffer.from(JSON.stringify(body), 'utf8'));
}

export function sendData(res: Response, status: number, data: unknown): void {
  sendJson(res, status, { meta: { request_id: requestIdOf(res) }, data });
}

export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  description?: string,
): void {
  const error = description === undefined ? { code, message } : { code, message, description };
  sendJson(res, status, { meta: { request_id: requestIdOf(res) }, error });
}

export function sendValidationError(res: Response, description: string): void {
  sendError(
    res,
    422,
    'UNPROCESSABLE_ENTITY',
    'Validation failed for the request parameters.',
    description,
  );
}

/** The Supermetrics API reference gives 404 LINK_NOT_FOUND a flat body, not the error envelope. */
export function sendLinkNotFound(res: Response): void {
  sendJson(res, 404, { error: 'LINK_NOT_FOUND', message: LINK_NOT_FOUND_MESSAGE });
}
