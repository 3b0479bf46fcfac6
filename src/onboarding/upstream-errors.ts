// How upstream failures of the integrator API's calls reach the integrator (README "Integrator API").
import { AppError } from '../errors';
import { SupermetricsError } from '../supermetrics/errors';

/** LINK_LIMIT_EXCEEDED is not mapped here: link-limit.ts answers it with our open links. */
export function upstreamToAppError(err: unknown): AppError {
  if (!(err instanceof SupermetricsError))
    return new AppError('INTERNAL_SERVER_ERROR', 'Internal server error.', { cause: err });
  // The upstream refused our input (an expiry_time it cannot read, say): the integrator can fix it.
  if (err.kind === 'api' && (err.status === 422 || err.status === 400))
    return new AppError(
      'UNPROCESSABLE_ENTITY',
      `The upstream refused the request: ${err.message}`,
      {
        description: err.description,
        cause: err,
      },
    );
  return new AppError('UPSTREAM_ERROR', 'The Supermetrics API failed to answer as expected.', {
    description: `${err.code}${err.status ? ` (HTTP ${err.status})` : ''}${err.requestId ? `, upstream request_id ${err.requestId}` : ''}`,
    cause: err,
  });
}
