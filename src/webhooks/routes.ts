// Dead letters of the integrator API: list them, and put one back in the delivery queue.
import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors';
import { requestIdOf } from '../http/request-id';
import type { Clock } from '../lib/clock';
import { parseOrThrow } from '../http/request-schemas';
import { storeUnavailable } from '../store/unavailable';
import type { DeadLetter, WebhookQueue } from '../store/store';
import { deadLettersQuery, WEBHOOK_ID_PATTERN } from './schemas';

export function toDeadLetterView(letter: DeadLetter) {
  return {
    webhook_id: letter.webhook_id,
    onboarding_id: letter.onboarding_id,
    body: letter.body,
    attempts: letter.attempts,
    last_error: letter.last_error,
    enqueued_time: new Date(letter.enqueued_at).toISOString(),
    dead_time: new Date(letter.dead_at).toISOString(),
  };
}

function send(
  req: Request,
  res: Response,
  data: unknown,
  meta: Record<string, unknown> = {},
): void {
  res.json({ meta: { request_id: requestIdOf(req), ...meta }, data });
}

export function webhookRoutes(queue: WebhookQueue, clock: Clock, onRequeued?: () => void): Router {
  const router = Router();

  router.get('/dead-letters', async (req, res) => {
    const query = parseOrThrow(deadLettersQuery, req.query);
    const page = await queue.listDeadLetters(query.limit, query.cursor).catch(storeUnavailable);
    send(req, res, page.items.map(toDeadLetterView), { next_cursor: page.nextCursor });
  });

  router.post('/dead-letters/:webhookId/redeliver', async (req, res) => {
    const { webhookId } = req.params;
    if (!WEBHOOK_ID_PATTERN.test(webhookId))
      throw new AppError('NOT_FOUND', 'No such dead letter.');
    const found = await queue.redeliverDeadLetter(webhookId, clock.now()).catch(storeUnavailable);
    if (!found) throw new AppError('NOT_FOUND', 'No such dead letter.');
    onRequeued?.();
    send(req, res, { webhook_id: webhookId, status: 'queued' });
  });

  return router;
}
