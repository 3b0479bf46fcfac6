// GET /metrics (Prometheus text, unauthenticated like /healthz) and the callback-outcome counter middleware.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Metrics } from './metrics';

/** `beforeScrape` refreshes gauges read from elsewhere (the webhook queue); its failure leaves them as they were. */
export function metricsRoutes(metrics: Metrics, beforeScrape?: () => Promise<void>): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    await beforeScrape?.().catch(() => {});
    const { contentType, body } = await metrics.render();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  });
  return router;
}

/** Counts each /callback answer once it is sent, by the outcome the route left in res.locals. */
export function countCallbackOutcomes(metrics: Metrics) {
  return function countCallbackOutcome(_req: Request, res: Response, next: NextFunction): void {
    res.once('finish', () => metrics.callbackOutcome(String(res.locals.outcome ?? 'UNKNOWN')));
    next();
  };
}
