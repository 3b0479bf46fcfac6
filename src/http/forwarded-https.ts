// Behind a TLS-terminating proxy: a browser-facing request must have reached the proxy over https.
import type { Request } from 'express';
import { AppError } from '../errors';

/**
 * Throws INVALID_REQUEST unless the request came over https. With "trust proxy" set, req.protocol
 * is the X-Forwarded-Proto of the trusted hop; a missing header reads as http and is refused too.
 */
export function requireForwardedHttps(req: Request): void {
  if (req.protocol !== 'https')
    throw new AppError('INVALID_REQUEST', 'The request must be made over https.');
}
