// One log line per request: request id, method, path (never the query: it carries state and verifier),
// status, outcome code and latency.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../lib/logger';
import type { RandomSource } from '../lib/ids';
import { createRequestIdGenerator } from './request-id';

function pathOnly(url: string | undefined): string {
  const path = (url ?? '').split('?')[0]!;
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

function outcomeOf(res: ServerResponse): Record<string, unknown> {
  const locals = (res as ServerResponse & { locals?: Record<string, unknown> }).locals ?? {};
  return {
    outcome: locals.outcome ?? (res.statusCode < 400 ? 'OK' : undefined),
    ...(locals.onboardingId ? { onboarding_id: locals.onboardingId } : {}),
  };
}

export function requestLog(logger: Logger, random?: RandomSource) {
  return pinoHttp({
    logger,
    genReqId: createRequestIdGenerator(random),
    customAttributeKeys: { responseTime: 'latency_ms' },
    serializers: {
      req: (req: IncomingMessage & { id?: string }) => ({
        method: req.method,
        path: pathOnly(req.url),
      }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    // customProps runs when the request starts (binding the child logger) and again at the end:
    // only what does not change belongs there; the outcome is added to the final line alone.
    customProps: (req) => ({ request_id: (req as IncomingMessage & { id?: string }).id }),
    customSuccessObject: (_req, res, line) => ({ ...line, ...outcomeOf(res) }),
    customErrorObject: (_req, res, _err, line) => ({ ...line, ...outcomeOf(res) }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    wrapSerializers: false,
  });
}
