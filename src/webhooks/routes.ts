// The webhook routes of the integrator API: one webhook's deliveries, replay, and the dead letters (list
// them, put one back in the delivery queue).
import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors';
import { bodiesOf } from './bodies';
import { requestIdOf } from '../http/request-id';
import type { Clock } from '../lib/clock';
import { parseOrThrow } from '../http/request-schemas';
import { storeUnavailable } from '../store/unavailable';
import type {
  DeadLetter,
  DeliveryAttempt,
  EventLog,
  OnboardingStore,
  WebhookQueue,
} from '../store/store';
import { replayEvents, replayRange } from './replay';
import { deadLettersQuery, replayBody, WEBHOOK_ID_PATTERN } from './schemas';

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

/** An attempt on the wire: the status it got, or the error instead of one. */
export function toAttemptView(attempt: DeliveryAttempt) {
  const time = new Date(attempt.atMs).toISOString();
  return attempt.status !== null
    ? { time, status: attempt.status, duration_ms: attempt.durationMs }
    : { time, error: attempt.error ?? '', duration_ms: attempt.durationMs };
}

function send(
  req: Request,
  res: Response,
  data: unknown,
  meta: Record<string, unknown> = {},
): void {
  res.json({ meta: { request_id: requestIdOf(req), ...meta }, data });
}

export interface WebhookRoutesDeps {
  queue: WebhookQueue;
  events: EventLog;
  onboardings: Pick<OnboardingStore, 'getOnboarding'>;
  clock: Clock;
  /** Whether WEBHOOK_URL is set: without it there is nothing to replay to. */
  webhooksEnabled: boolean;
  /** Called after this instance queued webhooks (wakes its worker). */
  onRequeued?: () => void;
}

export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const { queue, events, clock } = deps;
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
    deps.onRequeued?.();
    send(req, res, { webhook_id: webhookId, status: 'queued' });
  });

  router.post('/replay', async (req, res) => {
    const body = parseOrThrow(replayBody, req.body);
    const now = clock.now();
    const range = replayRange(body, now);
    if (!deps.webhooksEnabled)
      throw new AppError(
        'CONFLICT',
        'Webhooks are not delivered here (WEBHOOK_URL is not set): read GET /v1/events instead.',
      );
    const queued = await replayEvents(deps, range, now).catch(storeUnavailable);
    if (queued > 0) deps.onRequeued?.();
    send(req, res, { queued });
  });

  router.get('/:webhookId', async (req, res) => {
    const { webhookId } = req.params;
    if (!WEBHOOK_ID_PATTERN.test(webhookId)) throw new AppError('NOT_FOUND', 'No such webhook.');
    const found = await events.find(webhookId).catch(storeUnavailable);
    const bodies = found
      ? await bodiesOf(deps.onboardings, [found.entry]).catch(storeUnavailable)
      : null;
    const body = bodies?.get(webhookId);
    if (!found || body === undefined)
      throw new AppError('NOT_FOUND', 'No such webhook (events are kept 30 days).');
    send(req, res, {
      webhook_id: webhookId,
      event: JSON.parse(body) as unknown,
      state: found.state,
      attempts: found.attempts.map(toAttemptView),
    });
  });

  return router;
}
