// toAppError: what the client is told for each kind of error a request can throw.
import { AppError } from '../../src/errors';
import { toAppError } from '../../src/http/error-handler';
import { InvalidCursorError } from '../../src/store/errors';
import { storeUnavailable } from '../../src/store/unavailable';
import { thrownBy } from '../helpers/thrown-by';

describe('toAppError', () => {
  it('answers a store outage with 503 SERVICE_UNAVAILABLE, Retry-After 1, and keeps the driver error as the cause', () => {
    const driverError = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const failure = toAppError(thrownBy(() => storeUnavailable(driverError)));
    expect(failure).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      status: 503,
      retryAfter: 1,
      message: 'The service cannot reach its store; retry shortly.',
    });
    expect(failure.cause).toBe(driverError);
  });

  it('answers a cursor the store did not issue with 422 naming the cursor field', () => {
    const failure = toAppError(thrownBy(() => storeUnavailable(new InvalidCursorError())));
    expect(failure).toMatchObject({
      code: 'UNPROCESSABLE_ENTITY',
      status: 422,
      details: { field: 'cursor' },
    });
  });

  it('answers an error it does not know with a 500 whose message is hidden', () => {
    const failure = toAppError(new TypeError('x is undefined'));
    expect(failure).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', status: 500 });
    expect(failure.exposeMessage).toBe(false);
  });

  it('passes an AppError through unchanged', () => {
    const notFound = new AppError('NOT_FOUND', 'No such onboarding.');
    expect(toAppError(notFound)).toBe(notFound);
  });
});
