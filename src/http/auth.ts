// Bearer auth for the integrator API: the presented key is compared with every known key in constant time.
import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';
import { secretInList, sha256Hex } from '../lib/constant-time';

export interface AuthenticatedLocals {
  /** A non-secret identity of the API key used (hash prefix), for scoping idempotency keys and logs. */
  apiKeyId: string;
  /**
   * A secret derived from the API key used (HMAC, never stored): what seals a creation's start link
   * for its replay, so a Redis dump plus a guessed Idempotency-Key opens nothing.
   */
  apiKeySecret: string;
}

export function requireApiKey(apiKeys: readonly string[]) {
  if (apiKeys.length === 0) throw new Error('requireApiKey needs at least one API key');
  return function authenticateApiKey(req: Request, res: Response, next: NextFunction): void {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]{1,512})$/i.exec(header) : null;
    if (!match || !secretInList(match[1]!, apiKeys)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError('UNAUTHORIZED', 'Authentication is required.', {
        description: 'Send one of the configured API_KEYS as "Authorization: Bearer <key>".',
      });
    }
    const locals = res.locals as AuthenticatedLocals;
    locals.apiKeyId = sha256Hex(match[1]!).slice(0, 16);
    locals.apiKeySecret = createHmac('sha256', match[1]!)
      .update('llr-start-url-seal')
      .digest('hex');
    next();
  };
}
