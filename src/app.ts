// createApp(deps): the Express app with every route and middleware, without listening (tests use it directly).
import express, { type NextFunction, type Request, type Response } from 'express';
import { createCallbackVerifier } from './callback/verify';
import { callbackRoute } from './callback/route';
import { requireApiKey } from './http/auth';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import type { Clock } from './lib/clock';
import type { RandomSource } from './lib/ids';
import type { Logger } from './lib/logger';
import { healthRoutes } from './ops/health';
import { onboardingRoutes } from './onboarding/routes';
import { createOnboardingService } from './onboarding/service';
import type { Store } from './store/store';
import type { SupermetricsClient } from './supermetrics/types';

export interface AppDeps {
  store: Store;
  client: SupermetricsClient;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  apiKeys: readonly string[];
  publicUrl: string;
  returnUrlOrigins: readonly string[];
  webhooksEnabled: boolean;
  /** Express "trust proxy" (null: no proxy in front). */
  trustProxy?: number | readonly string[] | null;
  /** For tests: the delays between re-reads of a link without login_id yet. */
  loginRetryDelaysMs?: readonly number[];
}

function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.trustProxy !== null && deps.trustProxy !== undefined)
    app.set('trust proxy', deps.trustProxy);

  app.use(requestLog(deps.logger, deps.random));
  app.use(securityHeaders());

  app.use(healthRoutes(deps.store));

  const handleCallback = createCallbackVerifier(deps);
  app.get('/callback', callbackRoute(handleCallback));

  const service = createOnboardingService(deps);
  app.use(
    '/v1',
    noStore,
    requireApiKey(deps.apiKeys),
    express.json({ limit: '16kb', strict: true }),
  );
  app.use('/v1/onboardings', onboardingRoutes(service));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
