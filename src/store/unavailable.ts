// A store failure seen by a request: the client gets SERVICE_UNAVAILABLE, never a stack trace.
import { AppError } from '../errors';

export function storeUnavailable(err: unknown): never {
  if (err instanceof AppError) throw err;
  throw new AppError('SERVICE_UNAVAILABLE', 'The service cannot reach its store; retry shortly.', {
    retryAfter: 1,
    cause: err,
  });
}
