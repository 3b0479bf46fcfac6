// Request ids: reuse a well-formed incoming X-Request-Id, else make one; always echo it back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { newRequestId, type RandomSource } from '../lib/ids';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** The request's id: every log line, envelope and upstream call about it carries it. */
export function createRequestIdGenerator(random: RandomSource) {
  return function generateRequestId(req: IncomingMessage, res: ServerResponse): string {
    const incoming = req.headers['x-request-id'];
    const id =
      typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)
        ? incoming
        : newRequestId(random);
    res.setHeader('X-Request-Id', id);
    return id;
  };
}

/** The request id the request log assigned (req.id). */
export function requestIdOf(req: IncomingMessage): string {
  return String((req as IncomingMessage & { id?: unknown }).id ?? '');
}
