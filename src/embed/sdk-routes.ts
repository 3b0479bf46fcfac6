// GET /sdk/connect.js and /sdk/connect.d.ts: the browser SDK holds no secret, so any page may import it
// (a cross-origin module import needs CORS and a cross-origin resource policy) and caches may keep it.
import { Router, type Response } from 'express';
import type { SdkBundle } from './sdk-bundle';

const CACHE = 'public, max-age=3600';

function sendAsset(res: Response, type: string, body: string): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Cache-Control', CACHE);
  res.type(type).send(body);
}

export function sdkRoutes(sdk: SdkBundle): Router {
  const router = Router();
  router.get('/sdk/connect.js', (_req, res) => sendAsset(res, 'text/javascript', sdk.js));
  router.get('/sdk/connect.d.ts', (_req, res) => sendAsset(res, 'text/plain', sdk.dts));
  return router;
}
