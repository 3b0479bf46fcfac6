// createApp(deps): the Express app with every route and middleware, without listening (tests use it directly).
import express from 'express';
import { createCallbackVerifier } from './callback/verify';
import { callbackRoute } from './callback/route';
import { callbackGuard } from './callback/guard';
import { requireApiKey } from './http/auth';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { limitApiByKey, type RateLimiters } from './http/rate-limit';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import type { Clock } from './lib/clock';
import type { RandomSource } from './lib/ids';
import type { Logger } from './lib/logger';
import { healthRoutes } from './ops/health';
import type { Metrics } from './ops/metrics';
import { countCallbackOutcomes, metricsRoutes } from './ops/metrics-routes';
import { openApiRoutes } from './ops/openapi';
import { onboardingRoutes } from './onboarding/routes';
import { createOnboardingService } from './onboarding/service';
import type { ReconcileSchedule, Store, WebhookQueue } from './store/store';
import { webhookRoutes } from './webhooks/routes';
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
  /** The shared webhook delivery queue (the store); without it events stay in the outbox. */
  webhookQueue?: WebhookQueue;
  /** Called after this instance enqueued a webhook (wakes its worker). */
  onWebhookEnqueued?: () => void;
  /** Express "trust proxy" (null: no proxy in front). */
  trustProxy?: number | readonly string[] | null;
  /** Per-address /callback and per-key /v1 rate limits; none: no limits (tests opt in). */
  rateLimiters?: RateLimiters;
  /** For tests: the delays between re-reads of a link without login_id yet. */
  loginRetryDelaysMs?: readonly number[];
  /** Prometheus metrics, served on GET /metrics; none: no /metrics route. */
  metrics?: Metrics;
  /** The shared reconciliation schedule (the store): new onboardings get a check, ended ones lose it. */
  reconcileSchedule?: ReconcileSchedule;
  /** RECONCILE_INTERVAL in seconds (default 60). */
  reconcileIntervalSeconds?: number;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.trustProxy !== null && deps.trustProxy !== undefined)
    app.set('trust proxy', deps.trustProxy);

  app.use(requestLog(deps.logger, deps.random));
  app.use(securityHeaders());

  // The callback first: it is the customer-facing hot path, and no other route's router is walked for it.
  if (deps.metrics) app.get('/callback', countCallbackOutcomes(deps.metrics));
  // Express would answer HEAD with the GET handler, completing an onboarding without showing a page.
  app.head('/callback', (_req, res) => {
    res.locals.outcome = 'METHOD_NOT_ALLOWED';
    res.status(405).setHeader('Allow', 'GET');
    res.end();
  });
  const handleCallback = createCallbackVerifier(deps);
  const behindProxy = deps.trustProxy !== null && deps.trustProxy !== undefined;
  app.get(
    '/callback',
    callbackGuard({ behindProxy, limiter: deps.rateLimiters?.callback, logger: deps.logger }),
    callbackRoute(handleCallback, deps.logger),
  );

  app.use(healthRoutes(deps.store));
  app.use(openApiRoutes(deps.publicUrl));
  if (deps.metrics) {
    const { metrics, webhookQueue, clock } = deps;
    const refreshQueueStats = webhookQueue
      ? async () => metrics.setQueueStats(await webhookQueue.stats(clock.now()))
      : undefined;
    app.use(metricsRoutes(metrics, refreshQueueStats));
  }

  const service = createOnboardingService(deps);
  app.use(
    '/v1',
    requireApiKey(deps.apiKeys),
    limitApiByKey(deps.rateLimiters),
    express.json({ limit: '16kb', strict: true, inflate: false }),
  );
  app.use('/v1/onboardings', onboardingRoutes(service));
  if (deps.webhookQueue)
    app.use('/v1/webhooks', webhookRoutes(deps.webhookQueue, deps.clock, deps.onWebhookEnqueued));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
