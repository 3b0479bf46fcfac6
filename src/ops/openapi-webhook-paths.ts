// The document's dead-letter operations: list them, and put one back in the delivery queue.
import { deadLettersQuery, webhookId } from '../webhooks/schemas';
import { parameter, queryParameters } from './openapi-parameters';
import { jsonResponse, shared } from './openapi-responses';
import type { PathItems } from './openapi-types';

export function webhookPaths(): PathItems {
  return {
    '/v1/webhooks/dead-letters': {
      get: {
        operationId: 'listDeadLetters',
        summary: 'Webhooks that ran out of retries or were refused, newest first.',
        tags: ['webhooks'],
        parameters: queryParameters(deadLettersQuery),
        responses: {
          '200': jsonResponse('A page', 'DeadLetterPage'),
          '401': shared.unauthorized,
          '422': shared.unprocessable,
          '429': shared.tooMany,
          '503': shared.unavailable,
        },
      },
    },
    '/v1/webhooks/dead-letters/{webhook_id}/redeliver': {
      post: {
        operationId: 'redeliverDeadLetter',
        summary: 'Put a dead letter back in the delivery queue (attempts reset, same webhook-id).',
        tags: ['webhooks'],
        parameters: [parameter('webhook_id', 'path', webhookId)],
        responses: {
          '200': jsonResponse('Queued', 'RedeliverAnswer'),
          '401': shared.unauthorized,
          '404': shared.notFound,
          '429': shared.tooMany,
          '503': shared.unavailable,
        },
      },
    },
  };
}
