// The integrator API's onboarding routes: /v1/onboardings (create, list, get, history, cancel, start link).
import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors';
import type { AuthenticatedLocals } from '../http/auth';
import { requestIdOf } from '../http/request-id';
import {
  assertOnboardingId,
  createOnboardingBody,
  IDEMPOTENCY_KEY_PATTERN,
  listOnboardingsQuery,
} from './schemas';
import { parseOrThrow } from '../http/request-schemas';
import type { OnboardingService } from './service';
import { toHistoryView, toOnboardingView, toOnboardingViewWithStartUrl } from './view';

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key))
    throw new AppError(
      'UNPROCESSABLE_ENTITY',
      'Invalid header "Idempotency-Key": 1 to 255 visible ASCII characters.',
      { details: { field: 'Idempotency-Key' } },
    );
  return key;
}

function sendData(
  req: Request,
  res: Response,
  status: number,
  data: unknown,
  meta: Record<string, unknown> = {},
): void {
  res.status(status).json({ meta: { request_id: requestIdOf(req), ...meta }, data });
}

export function onboardingRoutes(service: OnboardingService): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseOrThrow(createOnboardingBody, req.body);
    const { record, replayed, startUrl } = await service.createOnboarding(body, {
      apiKeyId: (res.locals as AuthenticatedLocals).apiKeyId,
      apiKeySecret: (res.locals as AuthenticatedLocals).apiKeySecret,
      idempotencyKey: idempotencyKeyOf(req),
      requestId: requestIdOf(req),
    });
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    sendData(req, res, 201, toOnboardingViewWithStartUrl(record, startUrl));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listOnboardingsQuery, req.query);
    const page = await service.listOnboardings(query);
    sendData(req, res, 200, page.items.map(toOnboardingView), { next_cursor: page.nextCursor });
  });

  router.get('/:onboardingId', async (req, res) => {
    assertOnboardingId(req.params.onboardingId);
    sendData(req, res, 200, toOnboardingView(await service.getOnboarding(req.params.onboardingId)));
  });

  router.get('/:onboardingId/history', async (req, res) => {
    assertOnboardingId(req.params.onboardingId);
    const history = await service.getHistory(req.params.onboardingId);
    sendData(req, res, 200, history.entries.map(toHistoryView), { omitted: history.omitted });
  });

  router.post('/:onboardingId/start-link', async (req, res) => {
    assertOnboardingId(req.params.onboardingId);
    const { record, startUrl } = await service.reissueStartLink(req.params.onboardingId);
    sendData(req, res, 200, toOnboardingViewWithStartUrl(record, startUrl));
  });

  router.post('/:onboardingId/cancel', async (req, res) => {
    assertOnboardingId(req.params.onboardingId);
    const record = await service.cancelOnboarding(req.params.onboardingId, requestIdOf(req));
    sendData(req, res, 200, toOnboardingView(record));
  });

  return router;
}
