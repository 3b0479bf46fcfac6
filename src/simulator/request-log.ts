// Records every request the simulator receives, in order, for tests to inspect.
import type { RequestHandler } from 'express';
import type { Clock } from '../lib/clock';
import { classifyRequest } from './classify-request';
import type { RecordedRequest } from './types';

export function recordRequests(log: RecordedRequest[], clock: Clock): RequestHandler {
  return function recordRequest(req, _res, next) {
    log.push({
      endpoint: classifyRequest(req.method, req.path),
      method: req.method,
      path: req.originalUrl,
      time: clock.now(),
      headers: { ...req.headers },
    });
    next();
  };
}
