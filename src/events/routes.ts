// The events feed of the integrator API: GET /v1/events (README "Events feed").
import { Router } from 'express';
import { requestIdOf } from '../http/request-id';
import { parseOrThrow } from '../http/request-schemas';
import { storeUnavailable } from '../store/unavailable';
import { readFeed, type FeedDeps } from './feed';
import { eventsQuery } from './schemas';

export function eventRoutes(deps: FeedDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parseOrThrow(eventsQuery, req.query);
    const page = await readFeed(deps, query).catch(storeUnavailable);
    res.json({
      meta: { request_id: requestIdOf(req), next_cursor: page.nextCursor },
      data: page.items,
    });
  });

  return router;
}
