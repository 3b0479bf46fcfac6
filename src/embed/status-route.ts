// GET /start/<token>/status: what the SDK polls, because login pages may cut window.opener. It names the
// onboarding and its status and nothing else; CORS lets only RETURN_URL_ORIGINS read it.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { isMangledToken } from '../invitations/routes';
import type { StartAnswer, StartFlow } from '../invitations/start-flow';

type EmbedStatus = 'pending' | 'completed' | 'expired' | 'cancelled';

function statusOf(answer: Exclude<StartAnswer, { kind: 'unknown' }>): EmbedStatus {
  if (answer.kind === 'completed') return 'completed';
  if (answer.kind === 'ended')
    return answer.record.status === 'cancelled' ? 'cancelled' : 'expired';
  return 'pending';
}

function allowOrigin(req: Request, res: Response, allowed: readonly string[]): void {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (typeof origin === 'string' && allowed.includes(origin))
    res.setHeader('Access-Control-Allow-Origin', origin);
}

export function embedStatusRoutes(flow: StartFlow, returnUrlOrigins: readonly string[]): Router {
  const router = Router();
  router.get('/start/:token/status', async (req, res) => {
    allowOrigin(req, res, returnUrlOrigins);
    const answer = await flow.look(String(req.params.token));
    if (answer.kind === 'unknown') {
      res.locals.outcome = 'NOT_FOUND';
      res.status(404).json({ status: 'unknown' });
      return;
    }
    res.locals.onboardingId = answer.record.onboarding_id;
    res.json({ status: statusOf(answer), onboarding_id: answer.record.onboarding_id });
  });
  router.use('/start', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!isMangledToken(err)) return next(err);
    res.locals.outcome = 'NOT_FOUND';
    res.status(404).json({ status: 'unknown' });
  });
  return router;
}
