// Security headers (helmet, configured) on every answer: the API serves JSON only, so its CSP allows
// nothing at all (result pages replace it with their own); nothing here may be cached.
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

export function securityHeaders() {
  const helmetHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xContentTypeOptions: true,
  });
  // Every answer (API data, callback results, errors, 404s) is per-request: a shared cache or the
  // browser's back button must never replay one. Routes that want caching may override it.
  return function setSecurityHeaders(req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Cache-Control', 'no-store');
    helmetHeaders(req, res, next);
  };
}
