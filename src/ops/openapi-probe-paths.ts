// The document's unauthenticated probes: /healthz and /readyz.
import { probeResponse } from './openapi-responses';
import type { PathItems } from './openapi-types';

export function probePaths(): PathItems {
  const probe = { tags: ['operations'], security: [] };
  return {
    '/healthz': {
      get: {
        operationId: 'healthz',
        summary: 'The process is alive.',
        ...probe,
        responses: { '200': probeResponse('Alive', 'Alive') },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readyz',
        summary: 'Ready: Redis answers.',
        ...probe,
        responses: {
          '200': probeResponse('Ready', 'Ready'),
          '503': probeResponse('Redis does not answer', 'NotReady'),
        },
      },
    },
  };
}
