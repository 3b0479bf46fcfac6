// Liveness and readiness: /healthz says the process runs, /readyz that the store answers.
import { Router } from 'express';
import type { Storage } from '../store/store';

export function healthRoutes(storage: Pick<Storage, 'ping'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await storage.ping();
      res.json({ status: 'ready' });
    } catch {
      res.locals.outcome = 'SERVICE_UNAVAILABLE';
      res.status(503).json({ status: 'unavailable', reason: 'store unreachable' });
    }
  });
  return router;
}
