// A store call's failure as its caller sees it: a StoreUnavailableError, whatever the driver threw.
import { InvalidCursorError, StoreUnavailableError } from './errors';

/**
 * For `.catch(storeUnavailable)` on a store call. A cursor the caller got wrong stays an
 * InvalidCursorError; anything else means the store cannot serve the call now.
 */
export function storeUnavailable(err: unknown): never {
  if (err instanceof StoreUnavailableError || err instanceof InvalidCursorError) throw err;
  throw new StoreUnavailableError(err);
}
