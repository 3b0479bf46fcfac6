// Security headers (helmet, configured) on every answer: the API serves JSON only, so its CSP allows
// nothing at all (result pages replace it with their own); nothing here may be cached.
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

function configuredHelmet() {
  return helmet({
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
}

/**
 * The headers helmet sets with this configuration do not depend on the request, so helmet runs once
 * at start-up against a recording response and each request gets the recorded list in one loop.
 */
function recordHelmetHeaders(): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      headers.push([name, String(value)]),
    removeHeader: (name: string) => {
      const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
      if (at !== -1) headers.splice(at, 1);
    },
  } as unknown as ServerResponse;
  let ran = false;
  configuredHelmet()({} as never, recorder as never, () => (ran = true));
  if (!ran) throw new Error('helmet did not run synchronously');
  return headers;
}

export function securityHeaders() {
  const headers = recordHelmetHeaders();
  // Every answer (API data, callback results, errors, 404s) is per-request: a shared cache or the
  // browser's back button must never replay one. Routes that want caching may override it.
  headers.push(['Cache-Control', 'no-store']);
  return function setSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
    for (const [name, value] of headers) res.setHeader(name, value);
    res.removeHeader('X-Powered-By');
    next();
  };
}
