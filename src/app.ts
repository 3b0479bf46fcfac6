// createApp(deps): the Express app with every route and middleware, without listening. The composition
// root (src/composition-root.ts) builds its deps; tests that swap one part build another app from them.
import express from 'express';
import { createCallbackVerifier } from './callback/verify';
import { callbackRoute } from './callback/route';
import { callbackGuard } from './callback/guard';
import { createResultPages } from './pages/result-pages';
import { requireApiKey } from './http/auth';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { limitApiByKey, type RateLimiters } from './http/rate-limit';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import type { Clock } from './lib/clock';
import type { RandomSource } from './lib/ids';
import type { Logger } from './lib/logger';
import type { SdkBundle } from './embed/sdk-bundle';
import { sdkRoutes } from './embed/sdk-routes';
import { embedStatusRoutes } from './embed/status-route';
import { createStartFlow } from './invitations/start-flow';
import { createStartPages } from './invitations/pages';
import { startRoutes } from './invitations/routes';
import { healthRoutes } from './ops/health';
import type { Metrics } from './ops/metrics';
import { countCallbackOutcomes, metricsRoutes } from './ops/metrics-routes';
import { openApiRoutes } from './ops/openapi';
import { onboardingRoutes } from './onboarding/routes';
import { createOnboardingService } from './onboarding/service';
import type { Brand } from './pages/brand';
import { createPageChrome } from './pages/layout';
import type { Storage } from './store/store';
import { webhookRoutes } from './webhooks/routes';
import { eventRoutes } from './events/routes';
import type { SupermetricsClient } from './supermetrics/types';

export interface AppDeps {
  storage: Storage;
  client: SupermetricsClient;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** Prometheus metrics, served on GET /metrics; the upstream client feeds them too. */
  metrics: Metrics;
  /** Per-address /callback and per-key /v1 rate limits. */
  rateLimiters: RateLimiters;
  apiKeys: readonly string[];
  publicUrl: string;
  returnUrlOrigins: readonly string[];
  /** Express "trust proxy" (null: no proxy in front). */
  trustProxy: number | readonly string[] | null;
  /** Whether events are delivered as webhooks (WEBHOOK_URL is set); the feed records them always. */
  webhooksEnabled: boolean;
  /** Called after this instance enqueued a webhook (wakes its worker). */
  onWebhookEnqueued: () => void;
  /** The delays between re-reads of a link without login_id yet. */
  loginRetryDelaysMs: readonly number[];
  /** RECONCILE_INTERVAL in seconds: a new onboarding's first reconciliation check. */
  reconcileIntervalSeconds: number;
  /** LINK_TTL and LINK_RECYCLE_AFTER in seconds (start links). */
  links: { ttlSeconds: number; recycleAfterSeconds: number };
  /** The upstream's origin, where its login pages are (start pages' form-action). */
  upstreamOrigin: string;
  /** The browser SDK served at /sdk/connect.js (minified at start-up). */
  sdk: SdkBundle;
  /** BRAND_NAME and BRAND_COLOR on the end-customer pages. */
  brand: Brand;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.trustProxy !== null) app.set('trust proxy', deps.trustProxy);

  const { onboardings, webhookQueue, events, history, reconcileSchedule, openLinks } = deps.storage;
  const parts = { onboardings, webhookQueue, events, history, reconcileSchedule, openLinks };
  const domain = { ...deps, ...parts };

  const chrome = createPageChrome(deps.brand);
  const results = createResultPages(chrome);

  app.use(requestLog(deps.logger, deps.random));
  app.use(securityHeaders());

  // The callback first: it is the customer-facing hot path, and no other route's router is walked for it.
  app.get('/callback', countCallbackOutcomes(deps.metrics));
  // Express would answer HEAD with the GET handler, completing an onboarding without showing a page.
  app.head('/callback', (_req, res) => {
    res.locals.outcome = 'METHOD_NOT_ALLOWED';
    res.status(405).setHeader('Allow', 'GET');
    res.end();
  });
  app.get(
    '/callback',
    callbackGuard({
      behindProxy: deps.trustProxy !== null,
      limiter: deps.rateLimiters.callback,
      logger: deps.logger,
      pages: results,
    }),
    callbackRoute({
      handleCallback: createCallbackVerifier(domain),
      logger: deps.logger,
      pages: results,
      publicUrl: deps.publicUrl,
      returnUrlOrigins: deps.returnUrlOrigins,
    }),
  );

  const pageGuard = callbackGuard({
    behindProxy: deps.trustProxy !== null,
    limiter: deps.rateLimiters.callback,
    logger: deps.logger,
    pages: results,
  });
  app.use('/start', pageGuard);
  const startFlow = createStartFlow(domain);
  app.use(embedStatusRoutes(startFlow, deps.returnUrlOrigins));
  app.use(
    startRoutes({
      flow: startFlow,
      logger: deps.logger,
      pages: createStartPages(chrome, deps.upstreamOrigin),
      results,
      publicUrl: deps.publicUrl,
      returnUrlOrigins: deps.returnUrlOrigins,
      onOutcome: (outcome) => deps.metrics.startOutcome(outcome),
    }),
  );

  app.use(sdkRoutes(deps.sdk));
  app.use(healthRoutes(deps.storage));
  app.use(openApiRoutes(deps.publicUrl));
  const { metrics, clock } = deps;
  app.use(
    metricsRoutes(metrics, async () => {
      const [stats, open] = await Promise.all([webhookQueue.stats(clock.now()), openLinks.count()]);
      metrics.setQueueStats(stats);
      metrics.setOpenLinks(open);
    }),
  );

  app.use(
    '/v1',
    requireApiKey(deps.apiKeys),
    limitApiByKey(deps.rateLimiters),
    express.json({ limit: '16kb', strict: true, inflate: false }),
  );
  app.use('/v1/onboardings', onboardingRoutes(createOnboardingService(domain)));
  app.use(
    '/v1/webhooks',
    webhookRoutes({
      queue: webhookQueue,
      events,
      onboardings,
      clock,
      webhooksEnabled: deps.webhooksEnabled,
      onRequeued: deps.onWebhookEnqueued,
    }),
  );
  app.use('/v1/events', eventRoutes({ events, onboardings, clock }));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
